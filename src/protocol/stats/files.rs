//! A publication as the files `stats table` and `stats merge` write: JSON (what `stats merge`
//! reads back), CSV in long form for spreadsheets and statistical packages, and the SVG chart.

use super::{chart, Publication};

/// The publication as pretty JSON, ending in a newline.
pub fn json(publication: &Publication) -> String {
    let mut text = serde_json::to_string_pretty(publication).unwrap_or_default();
    text.push('\n');
    text
}

/// One line per cell and total: `codebook,k,period,ROWS,COLS,count,suppressed`, the facets'
/// names as the header of their columns, `total` for a margin's value; a suppressed count is
/// empty with `suppressed` true. Fields are codebook words, checked periods and numbers; each
/// text goes through `csv_cell` all the same.
pub fn csv(publication: &Publication) -> String {
    let (rows, cols) = (publication.rows, publication.cols);
    let mut out = format!(
        "codebook,k,period,{},{},count,suppressed\r\n",
        rows.name(),
        cols.name()
    );
    let row_values = rows.values().iter().copied().chain(["total"]);
    for table in &publication.tables {
        for (grid_row, row_value) in table.grid().iter().zip(row_values.clone()) {
            let col_values = cols.values().iter().copied().chain(["total"]);
            for (cell, col_value) in grid_row.iter().zip(col_values) {
                let count = cell.map(|n| n.to_string()).unwrap_or_default();
                let fields = [
                    csv_cell(&publication.codebook),
                    publication.k.to_string(),
                    csv_cell(&table.period),
                    csv_cell(row_value),
                    csv_cell(col_value),
                    count,
                    cell.is_none().to_string(),
                ];
                out.push_str(&fields.join(","));
                out.push_str("\r\n");
            }
        }
    }
    out
}

/// The chart (`chart::svg`).
pub fn svg(publication: &Publication) -> String {
    chart::svg(publication)
}

/// One CSV cell (RFC 4180), with an apostrophe before a leading `=`, `+`, `-`, `@`, tab or
/// carriage return so that a spreadsheet shows the text instead of running it as a formula
/// (OWASP's advice; `+502…` is a phone number).
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_text_to_a_spreadsheet() {
        assert_eq!(csv_cell("+50255551234"), "'+50255551234");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("banrural, zona 1"), "\"banrural, zona 1\"");
        assert_eq!(csv_cell("banrural"), "banrural");
    }
}
