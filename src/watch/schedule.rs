//! When to warn about a token that expires: at 7 days, 1 day and 1 hour before, and on
//! expiry; each once per token and threshold, remembered across restarts. Pure: the runner
//! asks for what is due now and when to look again.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use crate::tokens::Threshold;

/// What has been said, per token: the thresholds warned, and a "remind me tomorrow".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarnState {
    #[serde(default)]
    pub warned: BTreeMap<String, Vec<Threshold>>,
    #[serde(default)]
    pub snoozed_until: BTreeMap<String, DateTime<Utc>>,
    /// Tokens in use that were found deleted on the server, and said so once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub uuid: String,
    pub threshold: Threshold,
    pub expires: DateTime<Utc>,
}

impl WarnState {
    fn has(&self, uuid: &str, t: Threshold) -> bool {
        self.warned.get(uuid).is_some_and(|v| v.contains(&t))
    }

    /// The warnings due at `now` for `tokens` (uuid, expiry), and marks them said. Of several
    /// thresholds passed at once (after a sleep, a suspend or a clock jump) only the latest is
    /// said; the earlier ones are marked too, so that none comes later.
    pub fn take_due(&mut self, now: DateTime<Utc>, tokens: &[(String, DateTime<Utc>)]) -> Vec<Due> {
        let mut out = vec![];
        for (uuid, expires) in tokens {
            if self
                .snoozed_until
                .get(uuid)
                .is_some_and(|until| now < *until)
            {
                continue;
            }
            let passed: Vec<Threshold> = Threshold::ALL
                .into_iter()
                .filter(|t| now >= t.due_at(*expires))
                .collect();
            let Some(latest) = passed.last().copied() else {
                continue;
            };
            let snoozed = self.snoozed_until.remove(uuid).is_some();
            if self.has(uuid, latest) && !snoozed {
                continue;
            }
            let entry = self.warned.entry(uuid.clone()).or_default();
            for t in passed {
                if !entry.contains(&t) {
                    entry.push(t);
                }
            }
            entry.sort();
            out.push(Due {
                uuid: uuid.clone(),
                threshold: latest,
                expires: *expires,
            });
        }
        out
    }

    /// "Remind me tomorrow": the token's warning comes again a day from `now`.
    pub fn snooze(&mut self, uuid: &str, now: DateTime<Utc>) {
        self.snoozed_until
            .insert(uuid.to_string(), now + Duration::days(1));
    }

    /// Whether `take_due` would find anything, without changing the state.
    pub fn has_due(&self, now: DateTime<Utc>, tokens: &[(String, DateTime<Utc>)]) -> bool {
        !self.clone().take_due(now, tokens).is_empty()
    }

    /// The next moment anything can fall due, if any.
    pub fn next_due(
        &self,
        now: DateTime<Utc>,
        tokens: &[(String, DateTime<Utc>)],
    ) -> Option<DateTime<Utc>> {
        let mut next: Option<DateTime<Utc>> = None;
        let mut consider = |t: DateTime<Utc>| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        for (uuid, expires) in tokens {
            if let Some(until) = self.snoozed_until.get(uuid) {
                consider(*until);
            }
            for t in Threshold::ALL {
                if !self.has(uuid, t) {
                    consider(t.due_at(*expires));
                }
            }
        }
        next
    }

    /// Forgets tokens no longer in use, so the state file does not grow forever.
    pub fn retain(&mut self, in_use: &[String]) {
        self.warned.retain(|k, _| in_use.contains(k));
        self.snoozed_until.retain(|k, _| in_use.contains(k));
        self.revoked.retain(|k| in_use.contains(k));
    }

    /// The revoked tokens not said yet, now marked said: each is warned about once.
    pub fn take_revoked(&mut self, revoked: &[String]) -> Vec<String> {
        let new: Vec<String> = revoked
            .iter()
            .filter(|u| !self.revoked.contains(u))
            .cloned()
            .collect();
        self.revoked.extend(new.iter().cloned());
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    fn token(expires_in: Duration) -> Vec<(String, DateTime<Utc>)> {
        vec![("u1".to_string(), t0() + expires_in)]
    }

    #[test]
    fn each_threshold_fires_exactly_once() {
        let tokens = token(Duration::days(10));
        let mut s = WarnState::default();
        let mut fired = vec![];
        // Walk minute by minute over eleven days.
        let mut now = t0();
        while now < t0() + Duration::days(11) {
            fired.extend(
                s.take_due(now, &tokens)
                    .into_iter()
                    .map(|d| (d.threshold, now)),
            );
            now += Duration::minutes(1);
        }
        let expires = t0() + Duration::days(10);
        assert_eq!(
            fired,
            vec![
                (Threshold::SevenDays, expires - Duration::days(7)),
                (Threshold::OneDay, expires - Duration::days(1)),
                (Threshold::OneHour, expires - Duration::hours(1)),
                (Threshold::Expired, expires),
            ]
        );
    }

    #[test]
    fn a_jump_past_two_thresholds_gives_one_warning_for_the_latest() {
        let tokens = token(Duration::days(3));
        let mut s = WarnState::default();
        assert_eq!(s.take_due(t0(), &tokens).len(), 1, "7 days: already inside");
        // Asleep until 30 minutes before expiry: one day and one hour both passed.
        let late = t0() + Duration::days(3) - Duration::minutes(30);
        let due = s.take_due(late, &tokens);
        assert_eq!(
            due.iter().map(|d| d.threshold).collect::<Vec<_>>(),
            [Threshold::OneHour]
        );
        assert!(s.take_due(late + Duration::minutes(1), &tokens).is_empty());
        assert_eq!(
            s.take_due(t0() + Duration::days(3), &tokens)[0].threshold,
            Threshold::Expired
        );
    }

    #[test]
    fn an_expired_token_is_reported_expired_once() {
        let tokens = token(-Duration::days(2));
        let mut s = WarnState::default();
        let due = s.take_due(t0(), &tokens);
        assert_eq!(
            due.iter().map(|d| d.threshold).collect::<Vec<_>>(),
            [Threshold::Expired]
        );
        assert!(s.take_due(t0() + Duration::days(1), &tokens).is_empty());
        assert_eq!(s.next_due(t0(), &tokens), None);
    }

    #[test]
    fn a_restart_does_not_repeat() {
        let tokens = token(Duration::days(5));
        let mut s = WarnState::default();
        assert_eq!(s.take_due(t0(), &tokens).len(), 1);
        let saved = serde_json::to_string(&s).unwrap();
        let mut restarted: WarnState = serde_json::from_str(&saved).unwrap();
        assert!(
            restarted
                .take_due(t0() + Duration::hours(1), &tokens)
                .is_empty()
        );
    }

    #[test]
    fn a_revoked_token_is_said_once_until_it_leaves_the_files() {
        let mut s = WarnState::default();
        let revoked = vec!["u1".to_string()];
        assert_eq!(s.take_revoked(&revoked), revoked);
        assert!(s.take_revoked(&revoked).is_empty());
        s.retain(&[]);
        assert_eq!(s.take_revoked(&revoked), revoked);
    }

    #[test]
    fn snooze_brings_it_back_tomorrow() {
        let tokens = token(Duration::days(5));
        let mut s = WarnState::default();
        assert_eq!(s.take_due(t0(), &tokens).len(), 1);
        s.snooze("u1", t0());
        assert_eq!(s.next_due(t0(), &tokens), Some(t0() + Duration::days(1)));
        assert!(s.take_due(t0() + Duration::hours(23), &tokens).is_empty());
        let again = s.take_due(t0() + Duration::days(1), &tokens);
        assert_eq!(
            again.iter().map(|d| d.threshold).collect::<Vec<_>>(),
            [Threshold::SevenDays]
        );
        assert!(
            s.take_due(t0() + Duration::days(1) + Duration::minutes(1), &tokens)
                .is_empty()
        );
    }

    #[test]
    fn next_due_is_the_next_threshold() {
        let tokens = token(Duration::days(3));
        let mut s = WarnState::default();
        s.take_due(t0(), &tokens);
        assert_eq!(s.next_due(t0(), &tokens), Some(t0() + Duration::days(2)));
        s.retain(&[]);
        assert!(s.warned.is_empty());
    }
}
