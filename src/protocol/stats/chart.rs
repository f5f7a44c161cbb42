//! A publication as an SVG bar chart: per period, one bar per value of the row facet, its height
//! the published row total; a suppressed total is drawn as an empty outline marked "<k". Only
//! codebook values and numbers are written, so the chart holds nothing a reporter typed.

use std::fmt::Write as _;

use super::Publication;

const COLOURS: [&str; 8] = [
    "#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e", "#a0a0a0",
];
const BAR: usize = 14;
const GAP: usize = 24;
const PLOT_HEIGHT: usize = 200;
const LEFT: usize = 48;
const TOP: usize = 40;

/// The chart of `publication`'s row totals, as SVG text.
pub fn svg(publication: &Publication) -> String {
    let values = publication.rows.values();
    let group = values.len() * BAR + GAP;
    let plot_end = LEFT + publication.tables.len().max(1) * group;
    // Room for the bars and the legend, and at least for the heading.
    let width = (plot_end + 180).max(560);
    let height = TOP + PLOT_HEIGHT + 60;
    let highest = publication
        .tables
        .iter()
        .flat_map(|t| t.row_totals.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(publication.k);
    let scale = |n: u64| (n as f64 / highest as f64 * PLOT_HEIGHT as f64).round() as usize;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <title>Cases by {rows} and period ({codebook}, k = {k}, {desks} desk(s))</title>\n\
         <text x=\"{LEFT}\" y=\"20\" font-size=\"13\">Cases by {rows}, {period}; \
         outlined bars: fewer than {k} or withheld</text>\n",
        rows = publication.rows.name(),
        codebook = escape(&publication.codebook),
        k = publication.k,
        desks = publication.desks,
        period = period_word(publication),
    );
    let base = TOP + PLOT_HEIGHT;
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#333\"/>",
        plot_end
    );
    let _ = writeln!(out, "<text x=\"4\" y=\"{}\">{highest}</text>", TOP + 4);
    for (g, table) in publication.tables.iter().enumerate() {
        let x0 = LEFT + g * group + GAP / 2;
        for (i, total) in table.row_totals.iter().enumerate() {
            let x = x0 + i * BAR;
            let colour = COLOURS[i % COLOURS.len()];
            match total {
                Some(n) => {
                    let h = scale(*n);
                    let _ = writeln!(
                        out,
                        "<rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{colour}\">\
                         <title>{}: {n}</title></rect>",
                        base - h,
                        BAR - 2,
                        values[i]
                    );
                }
                None => {
                    let h = scale(publication.k);
                    let _ = writeln!(
                        out,
                        "<rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"none\" \
                         stroke=\"{colour}\" stroke-dasharray=\"3 2\"><title>{}: &lt;{} or \
                         withheld</title></rect>",
                        base - h,
                        BAR - 2,
                        values[i],
                        publication.k
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "<text x=\"{x0}\" y=\"{}\">{}</text>",
            base + 16,
            escape(&table.period)
        );
    }
    let legend = plot_end + 20;
    for (i, value) in values.iter().enumerate() {
        let y = TOP + i * 16;
        let colour = COLOURS[i % COLOURS.len()];
        let _ = writeln!(
            out,
            "<rect x=\"{legend}\" y=\"{y}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{value}</text>",
            legend + 14,
            y + 9
        );
    }
    out.push_str("</svg>\n");
    out
}

fn period_word(publication: &Publication) -> &'static str {
    match publication.period {
        super::Period::Quarter => "per quarter",
        super::Period::Year => "per year",
        super::Period::All => "all time",
    }
}

/// Text as SVG shows it, never as markup: what `stats merge` read came from another desk's file.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
