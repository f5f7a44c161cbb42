//! Suppression of a two-way table with its margins (decision 0010). Primary: every count from 1
//! to k − 1, margins included, is hidden. Complementary: the published margins are linear
//! equations over the hidden cells, so a hidden cell alone in its row would be their difference.
//! Seen as a graph (a node per row and per column, totals' row and column included; an edge per
//! hidden cell), a hidden cell's count follows from what is published exactly when its edge is a
//! bridge: on no cycle, nothing can move it while every total stays. So for each bridge the
//! cheapest cycle through it is hidden (the smallest counts first, and cells hidden already for
//! free), until no edge is a bridge. Tests check the result with linear algebra, not the graph.

use serde::{Deserialize, Serialize};

/// A published count, or `None` where it is suppressed.
pub type Cell = Option<u64>;

/// One period's table as published: rows by the publication's first facet, columns by its second,
/// in codebook order, with row, column and grand totals (sums of the cells: a case with several
/// needs counts in each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedTable {
    pub period: String,
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub col_totals: Vec<Cell>,
    pub total: Cell,
}

impl PublishedTable {
    /// Inner cells suppressed, and inner cells published with a count above zero.
    pub fn nonzero_split(&self) -> (usize, usize) {
        let cells = self.cells.iter().flatten();
        let hidden = cells.clone().filter(|c| c.is_none()).count();
        let shown = cells.filter(|c| c.is_some_and(|n| n > 0)).count();
        (hidden, shown)
    }

    /// The table with its margins as one grid: the last row and column are the totals.
    pub fn grid(&self) -> Vec<Vec<Cell>> {
        let mut grid: Vec<Vec<Cell>> = self
            .cells
            .iter()
            .zip(&self.row_totals)
            .map(|(row, total)| row.iter().copied().chain([*total]).collect())
            .collect();
        grid.push(
            self.col_totals
                .iter()
                .copied()
                .chain([self.total])
                .collect(),
        );
        grid
    }

    fn from_grid(period: &str, grid: Vec<Vec<Cell>>) -> PublishedTable {
        let (last, inner) = grid
            .split_last()
            .map_or((&[][..], &[][..]), |(l, i)| (&l[..], i));
        let (col_totals, total) = last
            .split_last()
            .map_or((vec![], None), |(t, c)| (c.to_vec(), *t));
        PublishedTable {
            period: period.to_owned(),
            cells: inner.iter().map(|r| r[..r.len() - 1].to_vec()).collect(),
            row_totals: inner.iter().map(|r| r[r.len() - 1]).collect(),
            col_totals,
            total,
        }
    }
}

/// The counts of one period published with threshold `k`.
pub fn publish(period: &str, counts: &[Vec<u64>], k: u64) -> PublishedTable {
    let cols = counts.first().map_or(0, Vec::len);
    let mut grid: Vec<Vec<Cell>> = counts
        .iter()
        .map(|row| {
            row.iter()
                .copied()
                .chain([row.iter().sum()])
                .map(Some)
                .collect()
        })
        .collect();
    let col_totals =
        (0..=cols).map(|j| Some(counts.iter().map(|r| r.get(j).copied().unwrap_or(0)).sum()));
    let mut last: Vec<Cell> = col_totals.collect();
    last[cols] = Some(counts.iter().flatten().sum());
    grid.push(last);
    suppress(period, grid, k)
}

/// Suppresses a grid whose last row and column are totals; a `None` in it is a count not known
/// (pooled from a desk that suppressed it) and stays hidden.
pub fn suppress(period: &str, grid: Vec<Vec<Cell>>, k: u64) -> PublishedTable {
    let mut hidden: Vec<Vec<bool>> = grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.is_none_or(|n| (1..k).contains(&n)))
                .collect()
        })
        .collect();
    // A hidden zero would undo the protection it lends: counts cannot go below zero, so a cycle
    // through it can move only one way, and two such zeros can pin a cell. Zeros are a cycle's
    // last resort, taken only when no cycle of non-zero counts exists (the tests check none is).
    let count = |r: usize, c: usize| grid[r][c].unwrap_or(0);
    while let Some((r, c)) = first_bridge(&hidden) {
        let nonzero = |i: usize, j: usize| Some(count(i, j)).filter(|n| *n > 0);
        if !hide_cycle(&mut hidden, &nonzero, r, c) {
            hide_cycle(&mut hidden, &|i, j| Some(count(i, j)), r, c);
        }
    }
    let published = grid
        .iter()
        .zip(&hidden)
        .map(|(row, h)| {
            row.iter()
                .zip(h)
                .map(|(c, h)| if *h { None } else { *c })
                .collect()
        })
        .collect();
    PublishedTable::from_grid(period, published)
}

/// Puts hidden cell (r, c) on a cycle at the least cost: the cheapest path from column c back to
/// row r through other cells (hidden ones cost nothing, a cell `cost` gives `None` is not taken),
/// found with Dijkstra's algorithm on the rows-and-columns graph, and every cell on it hidden.
/// False if no path exists.
fn hide_cycle(
    hidden: &mut [Vec<bool>],
    cost: &impl Fn(usize, usize) -> Option<u64>,
    r: usize,
    c: usize,
) -> bool {
    let rows = hidden.len();
    let cols = hidden.first().map_or(0, Vec::len);
    let price = |i: usize, j: usize| if hidden[i][j] { Some(0) } else { cost(i, j) };
    // Nodes: rows 0..rows, columns rows..rows+cols; the search starts at column c.
    let n = rows + cols;
    let (mut distance, mut previous, mut done) =
        (vec![u64::MAX; n], vec![usize::MAX; n], vec![false; n]);
    distance[rows + c] = 0;
    while let Some(node) = (0..n)
        .filter(|v| !done[*v] && distance[*v] != u64::MAX)
        .min_by_key(|v| distance[*v])
    {
        done[node] = true;
        if node == r {
            break;
        }
        let neighbours: Vec<(usize, u64)> = if node < rows {
            (0..cols)
                .filter(|j| (node, *j) != (r, c))
                .filter_map(|j| Some((rows + j, price(node, j)?)))
                .collect()
        } else {
            let j = node - rows;
            (0..rows)
                .filter(|i| (*i, j) != (r, c))
                .filter_map(|i| Some((i, price(i, j)?)))
                .collect()
        };
        for (to, weight) in neighbours {
            let through = distance[node].saturating_add(weight);
            if !done[to] && through < distance[to] {
                distance[to] = through;
                previous[to] = node;
            }
        }
    }
    if previous[r] == usize::MAX {
        return false;
    }
    let mut node = r;
    while previous[node] != usize::MAX {
        let from = previous[node];
        let (i, j) = if node < rows {
            (node, from - rows)
        } else {
            (from, node - rows)
        };
        hidden[i][j] = true;
        node = from;
    }
    true
}

/// The first hidden cell, in row order, whose edge is a bridge of the rows-and-columns graph.
fn first_bridge(hidden: &[Vec<bool>]) -> Option<(usize, usize)> {
    let rows = hidden.len();
    let cols = hidden.first().map_or(0, Vec::len);
    // Nodes: rows 0..rows, then columns rows..rows+cols. Edges: hidden cells.
    let mut adjacent: Vec<Vec<(usize, usize)>> = vec![vec![]; rows + cols];
    let mut edges = vec![];
    for (r, row) in hidden.iter().enumerate() {
        for (c, h) in row.iter().enumerate() {
            if *h {
                let e = edges.len();
                edges.push((r, c));
                adjacent[r].push((rows + c, e));
                adjacent[rows + c].push((r, e));
            }
        }
    }
    let bridges = bridges(&adjacent, edges.len());
    edges
        .into_iter()
        .enumerate()
        .find(|(e, _)| bridges[*e])
        .map(|(_, cell)| cell)
}

/// Which edges are bridges (Tarjan's low-link, iterative so a large table cannot exhaust the
/// stack).
fn bridges(adjacent: &[Vec<(usize, usize)>], edge_count: usize) -> Vec<bool> {
    let n = adjacent.len();
    let (mut order, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let mut is_bridge = vec![false; edge_count];
    let mut next = 0;
    for start in 0..n {
        if order[start] != usize::MAX {
            continue;
        }
        // (node, edge it was reached by, index of the next neighbour to look at)
        let mut stack = vec![(start, usize::MAX, 0)];
        order[start] = next;
        low[start] = next;
        next += 1;
        while let Some(&mut (node, via, ref mut at)) = stack.last_mut() {
            if let Some(&(to, edge)) = adjacent[node].get(*at) {
                *at += 1;
                if edge == via {
                    continue;
                }
                if order[to] == usize::MAX {
                    order[to] = next;
                    low[to] = next;
                    next += 1;
                    stack.push((to, edge, 0));
                } else {
                    low[node] = low[node].min(order[to]);
                }
            } else {
                stack.pop();
                if let Some(&(parent, _, _)) = stack.last() {
                    low[parent] = low[parent].min(low[node]);
                    if low[node] > order[parent] {
                        is_bridge[via] = true;
                    }
                }
            }
        }
    }
    is_bridge
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    /// The hidden cells of `grid` whose counts follow from the published ones: unknown `j` is
    /// determined by the margin equations exactly when the unit vector e_j is in their row space,
    /// that is when adding it does not raise the rank (exact, fraction-free elimination).
    fn derivable(published: &PublishedTable) -> Vec<(usize, usize)> {
        let grid = published.grid();
        let (rows, cols) = (grid.len(), grid[0].len());
        let unknowns: Vec<(usize, usize)> = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|(r, c)| grid[*r][*c].is_none())
            .collect();
        let column = |cell: (usize, usize)| unknowns.iter().position(|u| *u == cell);
        let mut equations: Vec<Vec<i128>> = vec![];
        // Each row: its cells minus its total is zero; each column likewise.
        for r in 0..rows {
            let mut eq = vec![0i128; unknowns.len()];
            for c in 0..cols {
                if let Some(j) = column((r, c)) {
                    eq[j] += if c == cols - 1 { -1 } else { 1 };
                }
            }
            equations.push(eq);
        }
        for c in 0..cols {
            let mut eq = vec![0i128; unknowns.len()];
            for r in 0..rows {
                if let Some(j) = column((r, c)) {
                    eq[j] += if r == rows - 1 { -1 } else { 1 };
                }
            }
            equations.push(eq);
        }
        let base = rank(equations.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|(j, _)| {
                let mut with = equations.clone();
                let mut unit = vec![0i128; unknowns.len()];
                unit[*j] = 1;
                with.push(unit);
                rank(with) == base
            })
            .map(|(_, cell)| *cell)
            .collect()
    }

    /// The rank of an integer matrix by Bareiss's fraction-free elimination.
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let width = m.first().map_or(0, Vec::len);
        let (mut rank, mut previous) = (0, 1i128);
        for col in 0..width {
            let Some(pivot) = (rank..m.len()).find(|r| m[*r][col] != 0) else {
                continue;
            };
            m.swap(rank, pivot);
            for r in rank + 1..m.len() {
                for c in col + 1..width {
                    let product = m[r][c] * m[rank][col] - m[rank][c] * m[r][col];
                    assert_eq!(product % previous, 0, "Bareiss divides exactly");
                    m[r][c] = product / previous;
                }
                m[r][col] = 0;
            }
            previous = m[rank][col];
            rank += 1;
        }
        rank
    }

    fn random_counts(rng: &mut impl Rng) -> Vec<Vec<u64>> {
        let (rows, cols) = (rng.gen_range(1..=6), rng.gen_range(1..=6));
        (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| match rng.gen_range(0..10) {
                        0..=2 => 0,
                        3..=6 => rng.gen_range(1..15),
                        _ => rng.gen_range(15..200),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn no_published_cell_is_small_and_no_suppressed_cell_can_be_recovered() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(17);
        for _ in 0..3000 {
            let counts = random_counts(&mut rng);
            let k = rng.gen_range(5..=12);
            let published = publish("2026-Q4", &counts, k);
            let truth = publish("2026-Q4", &counts, 0).grid();
            for (row, real) in published.grid().iter().zip(&truth) {
                for (cell, real) in row.iter().zip(real) {
                    if let Some(n) = cell {
                        assert!(
                            *n == 0 || *n >= k,
                            "{n} published under k = {k}: {counts:?}"
                        );
                        assert_eq!(Some(*n), *real, "{counts:?}");
                    }
                }
            }
            for (row, real) in published.grid().iter().zip(&truth) {
                for (cell, real) in row.iter().zip(real) {
                    let zero = *real == Some(0);
                    assert!(
                        cell.is_some() || !zero,
                        "a zero hidden: {counts:?}, k = {k}"
                    );
                }
            }
            let recovered = derivable(&published);
            assert!(
                recovered.is_empty(),
                "{recovered:?} follow from {published:?} ({counts:?}, k = {k})"
            );
        }
    }

    #[test]
    fn a_lone_small_cell_takes_a_rectangle_with_it() {
        let published = publish("2026", &[vec![3, 40], vec![25, 30]], 10);
        assert_eq!(published.cells, vec![vec![None, None], vec![None, None]]);
        assert_eq!(published.row_totals, vec![Some(43), Some(55)]);
        assert_eq!(published.total, Some(98));
        let published = publish("2026", &[vec![3, 40, 90], vec![25, 30, 12]], 10);
        assert_eq!(published.cells[0][2], Some(90), "{published:?}");
        assert!(derivable(&published).is_empty());
    }

    #[test]
    fn unknown_counts_stay_hidden_and_are_protected() {
        let grid = vec![
            vec![Some(50), None, Some(80)],
            vec![Some(20), Some(30), Some(50)],
            vec![Some(70), None, Some(130)],
        ];
        let published = suppress("all", grid, 10);
        assert_eq!(published.cells[0][1], None);
        assert!(derivable(&published).is_empty(), "{published:?}");
    }
}
