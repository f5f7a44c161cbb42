//! Fail closed: when the database goes away the server answers 503 with a generic problem (no SQL,
//! no paths), acknowledges nothing, and recovers on its own when the database returns.

use serde_json::Value;
use sqlx::Connection;

use crate::harness::{pg_admin_url, Backend, TestServer};

async fn admin(sql: &str) {
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_gives_503_and_recovers() {
    let Some(server) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    server.create_desk("gt");
    let database = server.db_url.rsplit('/').next().unwrap().to_owned();
    let http = reqwest::Client::new();
    let ready = || http.get(format!("{}/readyz", server.url)).send();
    assert_eq!(ready().await.unwrap().status(), 200);

    admin(&format!(
        "ALTER DATABASE {database} ALLOW_CONNECTIONS false"
    ))
    .await;
    admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
    ))
    .await;
    for path in ["/readyz", "/api/v1/desks/gt"] {
        let response = http
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers()["retry-after"], "30");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            problem["type"],
            "https://resguardo.invalid/problems/service-unavailable"
        );
        let text = problem.to_string().to_lowercase();
        for leak in ["sql", "postgres", "database", database.as_str(), "/"] {
            if leak == "/" {
                assert!(!problem["detail"].as_str().unwrap().contains('/'), "{text}");
            } else {
                assert!(!text.contains(leak), "{leak} in {text}");
            }
        }
    }

    admin(&format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true")).await;
    let mut recovered = false;
    for _ in 0..50 {
        if ready().await.unwrap().status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(recovered, "the server recovers without a restart");
    assert_eq!(server.client().desk("gt").await.unwrap().slug, "gt");
}
