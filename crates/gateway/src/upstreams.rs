//! The replicas of one upstream, taken in turn. A replica that cannot be reached is left out of
//! the turn for a while; when every replica is left out, the one left out longest is tried
//! again, so a service that comes back is found without waiting for the whole period.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http::Uri;

/// One replica: its base URL and, while it is left out, since when and until when.
#[derive(Debug)]
pub(crate) struct Replica {
    pub(crate) base: Uri,
    left_out: Mutex<Option<(Instant, Instant)>>,
}

impl Replica {
    fn left_out(&self) -> Option<(Instant, Instant)> {
        *self
            .left_out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_left_out(&self, value: Option<(Instant, Instant)>) {
        *self
            .left_out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
    }

    /// Whether the replica takes requests now.
    pub(crate) fn in_turn(&self, now: Instant) -> bool {
        self.left_out().is_none_or(|(_, until)| until <= now)
    }
}

/// The replicas of one upstream.
#[derive(Debug)]
pub(crate) struct Pool {
    pub(crate) name: &'static str,
    pub(crate) replicas: Vec<Replica>,
    next: AtomicUsize,
    eject_for: Duration,
}

impl Pool {
    pub(crate) fn new(name: &'static str, bases: Vec<Uri>, eject_for: Duration) -> Self {
        Self {
            name,
            replicas: bases
                .into_iter()
                .map(|base| Replica {
                    base,
                    left_out: Mutex::new(None),
                })
                .collect(),
            next: AtomicUsize::new(0),
            eject_for,
        }
    }

    /// The replicas to try for one request, best first: those in turn, starting from the next in
    /// the rotation among them (so a replica left out does not double its neighbour's share);
    /// if none is in turn, the one left out longest.
    pub(crate) fn order(&self) -> Vec<&Replica> {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let in_turn: Vec<&Replica> = self
            .replicas
            .iter()
            .filter(|replica| replica.in_turn(now))
            .collect();
        if in_turn.is_empty() {
            return self
                .replicas
                .iter()
                .min_by_key(|replica| replica.left_out().map(|(since, _)| since))
                .into_iter()
                .collect();
        }
        let start = turn % in_turn.len();
        in_turn[start..]
            .iter()
            .chain(&in_turn[..start])
            .copied()
            .collect()
    }

    /// The replica could not be reached: leave it out for a while.
    pub(crate) fn failed(&self, replica: &Replica) {
        let now = Instant::now();
        if replica.in_turn(now) {
            tracing::warn!(upstream = self.name, replica = %replica.base, "replica unreachable; left out for {:?}", self.eject_for);
        }
        replica.set_left_out(Some((now, now + self.eject_for)));
    }

    /// The replica answered: it is back in turn.
    pub(crate) fn answered(&self, replica: &Replica) {
        if replica.left_out().is_some() {
            tracing::info!(upstream = self.name, replica = %replica.base, "replica answers again");
            replica.set_left_out(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Pool;

    fn pool(count: usize) -> Pool {
        let bases = (0..count)
            .map(|index| {
                format!("http://replica-{index}:8080")
                    .parse()
                    .unwrap_or_else(|_| http::Uri::from_static("http://x"))
            })
            .collect();
        Pool::new("catalog", bases, Duration::from_secs(60))
    }

    fn first(pool: &Pool) -> String {
        pool.order()
            .first()
            .map(|replica| replica.base.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn replicas_take_turns() {
        let pool = pool(3);
        let turns: Vec<String> = (0..6).map(|_| first(&pool)).collect();
        assert_eq!(turns[0], turns[3]);
        assert_eq!(turns[1], turns[4]);
        assert_ne!(turns[0], turns[1]);
        assert_ne!(turns[1], turns[2]);
    }

    #[test]
    fn a_failed_replica_is_left_out_until_it_answers() {
        let pool = pool(2);
        pool.failed(&pool.replicas[0]);
        for _ in 0..4 {
            assert_eq!(first(&pool), "http://replica-1:8080/");
            assert_eq!(pool.order().len(), 1);
        }
        pool.answered(&pool.replicas[0]);
        assert_eq!(pool.order().len(), 2);
    }

    #[test]
    fn when_every_replica_is_out_the_one_out_longest_is_tried() {
        let pool = pool(2);
        pool.failed(&pool.replicas[1]);
        std::thread::sleep(Duration::from_millis(5));
        pool.failed(&pool.replicas[0]);
        let order = pool.order();
        assert_eq!(order.len(), 1);
        assert_eq!(first(&pool), "http://replica-1:8080/");
    }
}
