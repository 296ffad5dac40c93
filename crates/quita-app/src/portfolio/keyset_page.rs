//! A keyset page read with one row more than shown, cut to size, with the
//! cursors of the pages on either side.

use quita_store::portfolio::Keyset;

/// A page as shown, in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// `Keyset::After` this id reads the next page, if there is one.
    pub next: Option<i64>,
    /// `Keyset::Before` this id reads the previous page, if there is one.
    pub previous: Option<i64>,
}

/// Cuts `rows`, read from `cursor` with a limit of `limit + 1` and given in
/// the list's order, to `limit` rows. The extra row says a page follows in
/// the direction read; the cursor's own row says one lies the other way.
pub fn cut<T>(mut rows: Vec<T>, cursor: Keyset, limit: usize, id: impl Fn(&T) -> i64) -> Page<T> {
    let extra = rows.len() > limit;
    let (next, previous) = match cursor {
        Keyset::After(from) => {
            rows.truncate(limit);
            let next = extra.then(|| rows.last().map(&id)).flatten();
            let previous = (from != 0).then(|| rows.first().map(&id)).flatten();
            (next, previous)
        }
        Keyset::Before(_) => {
            let surplus = rows.len().saturating_sub(limit);
            rows.drain(..surplus);
            let previous = extra.then(|| rows.first().map(&id)).flatten();
            (rows.last().map(&id), previous)
        }
    };
    Page {
        rows,
        next,
        previous,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use quita_store::portfolio::Keyset;

    use super::cut;

    /// What the store returns for `cursor` over the list `0..n` (ids are
    /// values + 1), `limit + 1` rows.
    fn read(n: i64, cursor: Keyset, limit: usize) -> Vec<i64> {
        let all: Vec<i64> = (1..=n).collect();
        let take = limit + 1;
        match cursor {
            Keyset::After(c) => all.into_iter().filter(|&i| i > c).take(take).collect(),
            Keyset::Before(c) => {
                let before: Vec<i64> = all.into_iter().filter(|&i| i < c).collect();
                before[before.len().saturating_sub(take)..].to_vec()
            }
        }
    }

    proptest! {
        /// Walking forward by `next` and back by `previous` visits the
        /// same pages, each row once.
        #[test]
        fn walks_both_ways(n in 0i64..40, limit in 1usize..7) {
            let page = |c| cut(read(n, c, limit), c, limit, |&i| i);
            let mut forward = vec![page(Keyset::START)];
            while let Some(next) = forward.last().unwrap().next {
                forward.push(page(Keyset::After(next)));
            }
            let seen: Vec<i64> = forward.iter().flat_map(|p| p.rows.clone()).collect();
            prop_assert_eq!(seen, (1..=n).collect::<Vec<_>>());
            prop_assert!(forward.iter().all(|p| p.rows.len() <= limit));
            prop_assert_eq!(forward[0].previous, None);
            let mut back = vec![forward.last().unwrap().clone()];
            while let Some(previous) = back.last().unwrap().previous {
                back.push(page(Keyset::Before(previous)));
            }
            back.reverse();
            prop_assert_eq!(
                back.iter().map(|p| &p.rows).collect::<Vec<_>>(),
                forward.iter().map(|p| &p.rows).collect::<Vec<_>>()
            );
        }
    }
}
