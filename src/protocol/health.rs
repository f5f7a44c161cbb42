//! The body of `/healthz` and `/readyz`.

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}
