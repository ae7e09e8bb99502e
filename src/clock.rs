//! One injected clock, so that expiry rules and schedules can be tested at any instant.

use std::sync::Arc;
#[cfg(any(test, feature = "testing"))]
use std::sync::Mutex;

#[cfg(any(test, feature = "testing"))]
use chrono::Duration;
use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that moves only when told to: for tests (the `testing` feature).
#[cfg(any(test, feature = "testing"))]
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

#[cfg(any(test, feature = "testing"))]
impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Arc<Self> {
        Arc::new(ManualClock(Mutex::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

#[cfg(any(test, feature = "testing"))]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Wall time that moves with tokio's clock: with tokio's time paused in a test, a simulated
/// day passes in an instant and every timer still fires at its moment.
#[cfg(any(test, feature = "testing"))]
#[derive(Debug)]
pub struct TokioClock {
    start_wall: DateTime<Utc>,
    start: tokio::time::Instant,
}

#[cfg(any(test, feature = "testing"))]
impl TokioClock {
    pub fn starting_at(at: DateTime<Utc>) -> Arc<Self> {
        Arc::new(TokioClock {
            start_wall: at,
            start: tokio::time::Instant::now(),
        })
    }
}

#[cfg(any(test, feature = "testing"))]
impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now() - self.start;
        self.start_wall + Duration::from_std(elapsed).unwrap_or(Duration::zero())
    }
}
