//! Pooling desks' publications (`stats merge`, decision 0010): tables of the same codebook,
//! facets, period and threshold are added cell by cell. A cell any desk suppressed is unknown in
//! the sum, so it stays suppressed however large the sum would be; known sums are suppressed
//! again with the pooled threshold, and complementary suppression is applied to the pooled table.
//! The pool shows nothing its inputs did not: each published sum is a sum of published counts.

use super::suppress::{suppress, Cell};
use super::{Publication, CODEBOOK};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error(
        "the publications differ in {0}: only tables of the same codebook, facets, period and \
         shape can be added"
    )]
    Mismatch(&'static str),
}

/// The sum of `publications`, suppressed with `k` (at least every input's).
pub fn merge(publications: &[Publication], k: u64) -> Result<Publication, MergeError> {
    let first = publications.first().ok_or(MergeError::Empty)?;
    if first.codebook != CODEBOOK {
        return Err(MergeError::Mismatch("codebook version"));
    }
    for p in publications {
        if !p.tables.iter().all(|t| p.period.is_label(&t.period)) {
            return Err(MergeError::Mismatch("period"));
        }
        let differs = [
            (p.codebook != first.codebook, "codebook version"),
            (p.rows != first.rows || p.cols != first.cols, "facets"),
            (p.period != first.period, "period"),
        ];
        if let Some((_, what)) = differs.iter().find(|(d, _)| *d) {
            return Err(MergeError::Mismatch(what));
        }
    }
    let k = publications.iter().map(|p| p.k).fold(k, u64::max);
    let shape = (first.rows.values().len() + 1, first.cols.values().len() + 1);
    let mut periods: Vec<&str> = publications
        .iter()
        .flat_map(|p| p.tables.iter().map(|t| t.period.as_str()))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let mut tables = vec![];
    for period in periods {
        let mut sum: Vec<Vec<Cell>> = vec![vec![Some(0); shape.1]; shape.0];
        for table in publications
            .iter()
            .flat_map(|p| p.tables.iter().filter(|t| t.period == period))
        {
            let grid = table.grid();
            if grid.len() != shape.0 || grid.iter().any(|r| r.len() != shape.1) {
                return Err(MergeError::Mismatch("shape"));
            }
            for (total, row) in sum.iter_mut().zip(grid) {
                for (t, cell) in total.iter_mut().zip(row) {
                    *t = t.zip(cell).map(|(a, b)| a + b);
                }
            }
        }
        tables.push(suppress(period, sum, k));
    }
    Ok(Publication {
        codebook: first.codebook.clone(),
        k,
        rows: first.rows,
        cols: first.cols,
        period: first.period,
        desks: publications.iter().map(|p| p.desks).sum(),
        tables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::stats::{publish, Facet, Period, CODEBOOK};

    fn one(counts: &[Vec<u64>], k: u64) -> Publication {
        Publication {
            codebook: CODEBOOK.to_owned(),
            k,
            rows: Facet::Paid,
            cols: Facet::GangClaimed,
            period: Period::Year,
            desks: 1,
            tables: vec![publish("2026", counts, k)],
        }
    }

    #[test]
    fn a_cell_one_desk_suppressed_stays_suppressed_in_the_pool() {
        let a = one(&[vec![40, 3, 20], vec![30, 25, 11], vec![12, 14, 50]], 10);
        let b = one(&[vec![40, 30, 20], vec![30, 25, 11], vec![12, 14, 50]], 10);
        assert_eq!(a.tables[0].cells[0][1], None);
        let pooled = merge(&[a.clone(), b], 10).unwrap();
        assert_eq!(pooled.desks, 2);
        assert_eq!(pooled.tables[0].cells[0][1], None, "3 + 30 is not known");
        assert_eq!(pooled.tables[0].cells[2][2], Some(100));
        for (row, input) in pooled.tables[0].grid().iter().zip(a.tables[0].grid()) {
            for (sum, cell) in row.iter().zip(input) {
                assert!(
                    sum.is_none() || cell.is_some(),
                    "a pooled count from a hidden one"
                );
            }
        }
    }

    #[test]
    fn different_publications_are_not_added() {
        let a = one(&vec![vec![40, 30, 20]; 3], 10);
        let mut b = a.clone();
        b.period = Period::Quarter;
        assert_eq!(
            merge(&[a.clone(), b], 10),
            Err(MergeError::Mismatch("period"))
        );
        let mut c = a.clone();
        c.codebook = "resguardo-codebook-0".into();
        assert_eq!(
            merge(&[a.clone(), c], 10),
            Err(MergeError::Mismatch("codebook version"))
        );
        let mut d = a.clone();
        d.tables[0].period = "=HYPERLINK(\"x\")".into();
        assert_eq!(merge(&[a, d], 10), Err(MergeError::Mismatch("period")));
        assert_eq!(merge(&[], 10), Err(MergeError::Empty));
    }
}
