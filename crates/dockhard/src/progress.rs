//! A progress bar on standard error, for long runs on a terminal: nothing is
//! drawn in the first second, nor when standard error is not a terminal, so
//! pre-commit hooks, CI logs and editors never see it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const DELAY: Duration = Duration::from_secs(1);
const INTERVAL: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

pub struct Progress {
    done: Arc<AtomicUsize>,
    finished: Arc<(Mutex<bool>, Condvar)>,
    drew: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts watching a run of `total` units.
    pub fn start(total: usize) -> Progress {
        let enabled =
            std::io::stderr().is_terminal() && std::env::var_os("DOCKHARD_NO_PROGRESS").is_none();
        Progress::with(total, enabled, DELAY)
    }

    fn with(total: usize, enabled: bool, delay: Duration) -> Progress {
        let done = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new((Mutex::new(false), Condvar::new()));
        let drew = Arc::new(AtomicBool::new(false));
        let thread = enabled.then(|| {
            let (done, finished, drew) = (done.clone(), finished.clone(), drew.clone());
            std::thread::spawn(move || {
                let (lock, cvar) = &*finished;
                let mut wait = delay;
                loop {
                    let Ok(guard) = lock.lock() else { return };
                    let Ok((guard, _)) = cvar.wait_timeout_while(guard, wait, |f| !*f) else {
                        return;
                    };
                    if *guard {
                        return;
                    }
                    drop(guard);
                    let line = bar(done.load(Ordering::Relaxed), total);
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r{line}");
                    let _ = err.flush();
                    drew.store(true, Ordering::Relaxed);
                    wait = INTERVAL;
                }
            })
        });
        Progress {
            done,
            finished,
            drew,
            thread,
        }
    }

    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops the bar and clears its line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        let (lock, cvar) = &*self.finished;
        if let Ok(mut f) = lock.lock() {
            *f = true;
        }
        cvar.notify_all();
        let _ = thread.join();
        if self.drew.load(Ordering::Relaxed) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `[=========>          ] 312/1075 files` (units: a compose project counts once).
fn bar(done: usize, total: usize) -> String {
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let mut s = String::from("[");
    s.push_str(&"=".repeat(filled));
    if filled < WIDTH {
        s.push('>');
        s.push_str(&" ".repeat(WIDTH - filled - 1));
    }
    s.push_str(&format!("] {done}/{total}"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_with_progress() {
        assert_eq!(bar(0, 10), format!("[>{}] 0/10", " ".repeat(WIDTH - 1)));
        assert_eq!(
            bar(5, 10),
            format!("[{}>{}] 5/10", "=".repeat(15), " ".repeat(14))
        );
        assert_eq!(bar(10, 10), format!("[{}] 10/10", "=".repeat(WIDTH)));
        assert_eq!(bar(0, 0), format!("[{}] 0/0", "=".repeat(WIDTH)));
    }

    #[test]
    fn a_short_run_draws_nothing() {
        let p = Progress::with(3, true, Duration::from_secs(5));
        p.tick();
        let drew = p.drew.clone();
        p.finish();
        assert!(!drew.load(Ordering::Relaxed));
    }

    #[test]
    fn a_long_run_draws() {
        let p = Progress::with(3, true, Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(200));
        let drew = p.drew.clone();
        p.finish();
        assert!(drew.load(Ordering::Relaxed));
    }

    #[test]
    fn disabled_never_draws() {
        let p = Progress::with(3, false, Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(50));
        assert!(p.thread.is_none());
        p.finish();
    }
}
