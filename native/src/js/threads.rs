use napi_derive::napi;

/// Moves thread `tid` of this process, or with `tid` 0 the calling thread,
/// into the idle scheduling class (`SCHED_IDLE`): it then runs only on a
/// core nothing else wants, and a thread of any other class woken on its
/// core preempts it at once (one moved there by load balancing may wait for
/// the next scheduler tick). For Node's and V8's background threads (garbage collection
/// helpers, compiler threads) and the compute pool's threads: at normal
/// priority they hold a core for milliseconds while an agent woken for its
/// step waits behind them. False when `tid` is not a thread of this process
/// or the system refuses; always false off Linux.
#[napi]
pub fn set_thread_idle_priority(tid: i32) -> bool {
    idle_priority(tid)
}

#[cfg(target_os = "linux")]
fn idle_priority(tid: i32) -> bool {
    // Only this process's threads: a tid of another process is refused here
    // rather than left to the permission check.
    // 0 is the calling thread to sched_setscheduler, which is always ours.
    if tid < 0 || (tid > 0 && !std::path::Path::new(&format!("/proc/self/task/{tid}")).exists()) {
        return false;
    }
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param for the duration of the call.
    unsafe { libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn idle_priority(_tid: i32) -> bool {
    false
}
