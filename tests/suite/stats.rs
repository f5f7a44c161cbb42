//! Statistics a desk can publish (docs/codebook.md, decision 0010). A sample publication from 500
//! seeded consenting cases, kept in `tests/artefacts/stats/` and compared byte for byte (set
//! `RESGUARDO_BLESS=1` to write it again after a deliberate change); and `stats table` and
//! `stats merge` end to end on both backends: only consented cases are counted, small cells and
//! what would reveal them are suppressed, nothing a reporter wrote reaches the files, and
//! workers who are not supervisors are refused.

use std::path::Path;

use rand::{Rng, SeedableRng};
use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::protocol::report::ReportForm;
use resguardo::protocol::stats::{files, publication, CountedCase, Facet, Period, Publication};
use serde_json::{json, Value};

use crate::harness::{run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(stats_are_counted_on_the_device_and_suppressed);

/// One of `values`, the first ones more often.
fn skewed<'a>(rng: &mut impl Rng, values: &[&'a str]) -> &'a str {
    let i = rng.gen_range(0..values.len());
    values[rng.gen_range(0..=i)]
}

/// Reports over 2025 and 2026, nine in ten consenting, with every facet drawn at random, until
/// 500 consenting ones are counted.
fn seeded_cases() -> Vec<CountedCase> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut cases = vec![];
    while cases.len() < 500 {
        let day = format!(
            "{}-{:02}-{:02}",
            rng.gen_range(2025..=2026),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        );
        let kinds = [
            "phone_extortion",
            "sextortion",
            "in_person_extortion",
            "online_extortion",
            "other",
        ];
        let report = json!({
            "schema": "resguardo.report.v2",
            "kind": skewed(&mut rng, &kinds),
            "country": skewed(&mut rng, &["GT", "HN", "SV", "MX"]),
            "narrative": "NARRATIVE-CANARY",
            "consent_statistics": rng.gen_range(0..10) > 0,
            "channel": skewed(&mut rng, &["messaging", "call", "social_network", "in_person"]),
            "paid": skewed(&mut rng, &["no", "yes"]),
            "gang_claimed": skewed(&mut rng, &["yes", "no"]),
        });
        let plaintext = serde_json::to_vec(&report).unwrap();
        cases.extend(CountedCase::consented(&day, &plaintext));
    }
    cases
}

#[test]
fn the_sample_publication_is_the_kept_one() {
    let cases = seeded_cases();
    assert_eq!(cases.len(), 500);
    let published = publication(&cases, Facet::Kind, Facet::Country, Period::Quarter, 10);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artefacts/stats");
    let written = [
        ("kind-by-country.json", files::json(&published)),
        ("kind-by-country.csv", files::csv(&published)),
        ("kind-by-country.svg", files::svg(&published)),
    ];
    for (name, text) in written {
        assert!(!text.contains("CANARY"), "{name} holds a reporter's text");
        let path = dir.join(name);
        if std::env::var_os("RESGUARDO_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == text,
            "{name} differs from the kept artefact (RESGUARDO_BLESS=1 to renew)"
        );
    }
    // Whatever the period chosen, nothing under k is shown.
    for table in &published.tables {
        for cell in table.grid().iter().flatten().flatten() {
            assert!(*cell == 0 || *cell >= 10, "{table:?}");
        }
    }
}

fn form(kind: &str, consent: bool, paid: Option<&str>, canary: &str) -> ReportForm {
    let mut form = json!({"kind": kind, "narrative": canary, "consent_statistics": consent,
                          "country": "GT"});
    if let Some(paid) = paid {
        form["paid"] = json!(paid);
    }
    serde_json::from_value(form).unwrap()
}

async fn stats_are_counted_on_the_device_and_suppressed(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let canary = crate::canary::new_canary();
    // 12 consenting phone extortions (8 paid), 2 consenting sextortions, 3 that did not consent.
    let mut forms = vec![];
    forms.extend((0..8).map(|_| form("phone_extortion", true, Some("yes"), &canary)));
    forms.extend((0..4).map(|_| form("phone_extortion", true, Some("no"), &canary)));
    forms.extend((0..2).map(|_| form("sextortion", true, None, &canary)));
    forms.extend((0..3).map(|_| form("in_person_extortion", false, Some("yes"), &canary)));
    for f in &forms {
        let sent = reporter::submit(&client, "gt", f, Language::Es, None, |_| {});
        sent.await.unwrap();
    }
    let as_boss = server.terminal_of("gt", "sofia", &boss, &boss.identity);
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path().join("gt-2026");
    let args = [
        "stats", "table", "--rows", "kind", "--cols", "paid", "--period", "all", "--k", "5",
    ];
    let cmd = |who: &dyn Fn(&[&str]) -> std::process::Command, dir: &Path| {
        let mut cmd = who(&args);
        cmd.arg("--out").arg(dir).arg("--json");
        run_with_input(cmd, &format!("{PASSWORD}\n"))
    };
    let refused = cmd(&as_ana, &outside.path().join("ana"));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("supervisor"));
    let done = cmd(&as_boss, &out);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let said: Value = serde_json::from_slice(&done.stdout).unwrap();
    crate::docs::assert_cli_shape("stats table", &said);
    assert_eq!(said["period"], "all");

    let text = std::fs::read_to_string(out.join("stats.json")).unwrap();
    let published: Publication = serde_json::from_str(&text).unwrap();
    let table = &published.tables[0];
    // Rows: sextortion, phone_extortion, … in codebook order; columns yes, no, unknown.
    let phone = 1;
    // 4 unpaid is under k, so its row's and column's totals go too, and with them the two
    // sextortions' (all hidden totals then lie on cycles: none is a difference of shown ones).
    assert_eq!(
        table.cells[phone],
        vec![Some(8), None, Some(0)],
        "{table:?}"
    );
    assert_eq!(
        table.cells[0],
        vec![Some(0), Some(0), None],
        "two sextortions: {table:?}"
    );
    assert_eq!(
        table.cells[2],
        vec![Some(0); 3],
        "not consented: not counted"
    );
    assert_eq!((table.row_totals[phone], table.row_totals[0]), (None, None));
    assert_eq!(table.col_totals, vec![Some(8), None, None]);
    assert_eq!(table.total, Some(14));
    for name in ["stats.json", "stats.csv", "stats.svg"] {
        let bytes = std::fs::read(out.join(name)).unwrap();
        for form in crate::canary::forms_of(&canary) {
            assert!(
                !crate::harness::contains(&bytes, &form),
                "{name} holds the narrative"
            );
        }
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    let csv = std::fs::read_to_string(out.join("stats.csv")).unwrap();
    assert!(
        csv.starts_with("codebook,k,period,kind,paid,count,suppressed\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("resguardo-codebook-1,5,all,phone_extortion,yes,8,false\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("resguardo-codebook-1,5,all,sextortion,unknown,,true\r\n"),
        "{csv}"
    );

    // Two desks pooled: the sums, suppression again; a publication of other facets is refused.
    let json_file = out.join("stats.json");
    let pooled_dir = outside.path().join("pooled");
    let mut merge = server.command();
    merge
        .args(["stats", "merge"])
        .arg(&json_file)
        .arg(&json_file);
    merge.arg("--out").arg(&pooled_dir).arg("--json");
    let merged = merge.output().unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let said: Value = serde_json::from_slice(&merged.stdout).unwrap();
    crate::docs::assert_cli_shape("stats merge FILES", &said);
    assert_eq!(said["desks"], 2);
    let pooled: Publication =
        serde_json::from_str(&std::fs::read_to_string(pooled_dir.join("stats.json")).unwrap())
            .unwrap();
    assert_eq!(pooled.tables[0].cells[phone][0], Some(16));
    assert_eq!(
        pooled.tables[0].row_totals[phone], None,
        "sums of hidden totals stay hidden"
    );
    let mut other = published.clone();
    other.cols = Facet::GangClaimed;
    let other_file = outside.path().join("other.json");
    std::fs::write(&other_file, serde_json::to_string(&other).unwrap()).unwrap();
    let mut merge = server.command();
    merge
        .args(["stats", "merge"])
        .arg(&json_file)
        .arg(&other_file);
    merge.arg("--out").arg(outside.path().join("never"));
    let refused = merge.output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("differ in facets"), "{said}");
}
