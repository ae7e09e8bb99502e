//! A spinner for calls that take a while, on a terminal only: never in `--json` mode or when
//! stderr is piped, so that scripts and logs see clean output.

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

const SHOW_AFTER: Duration = Duration::from_millis(300);

pub(super) async fn spin<T>(enabled: bool, label: &str, work: impl Future<Output = T>) -> T {
    if !enabled || !std::io::stderr().is_terminal() {
        return work.await;
    }
    let label = label.to_string();
    let shown = tokio::spawn(async move {
        tokio::time::sleep(SHOW_AFTER).await;
        let bar = indicatif::ProgressBar::new_spinner().with_message(label);
        bar.enable_steady_tick(Duration::from_millis(100));
        // Parked until aborted; the bar is cleared on drop below.
        let _clear = ClearOnDrop(bar);
        std::future::pending::<()>().await;
    });
    let out = work.await;
    shown.abort();
    let _ = shown.await;
    out
}

struct ClearOnDrop(indicatif::ProgressBar);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
