//! The open-file limit decides how many connections can be held: each is a file, and the
//! database, the spool, Redis and Graph need theirs too.

/// Raises the soft open-file limit to the hard one (as servers commonly do at start) and
/// returns the limit now in force, if the system has one.
pub fn raise_limit() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
            && current < maximum
            && setrlimit(
                Resource::Nofile,
                rustix::process::Rlimit {
                    current: Some(maximum),
                    maximum: Some(maximum),
                },
            )
            .is_ok()
        {
            return Some(maximum);
        }
        limit.current
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The connections that fit under `open_files`, leaving a quarter (at least 64) to the rest.
pub fn connections_within(open_files: u64) -> usize {
    let headroom = (open_files / 4).max(64);
    open_files.saturating_sub(headroom).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::connections_within;

    #[test]
    fn connections_leave_room_for_other_files() {
        assert_eq!(connections_within(1024), 768);
        assert_eq!(connections_within(100), 36);
        assert_eq!(connections_within(10), 1);
        assert_eq!(connections_within(1_048_576), 786_432);
    }
}
