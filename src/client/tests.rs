use super::*;

#[test]
fn plain_http_only_to_this_machine_or_onion() {
    for ok in [
        "https://desk.example",
        "http://127.0.0.1:8080",
        "http://[::1]:80",
        "http://localhost",
        "http://abc.onion",
    ] {
        assert!(ApiClient::new(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://desk.example",
        "http://10.0.0.1",
        "ftp://desk.example",
        "desk.example",
    ] {
        assert!(
            matches!(ApiClient::new(bad), Err(ClientError::Usage(_))),
            "{bad}"
        );
    }
}

#[test]
fn onion_services_go_through_tor_and_names_are_resolved_there() {
    assert_eq!(
        tor_proxy("abc.onion", None).unwrap().as_deref(),
        Some(DEFAULT_TOR_PROXY)
    );
    assert_eq!(tor_proxy("desk.example", None).unwrap(), None);
    let own = Some("socks5h://127.0.0.1:9150");
    for host in ["abc.onion", "desk.example"] {
        assert_eq!(tor_proxy(host, own).unwrap().as_deref(), own, "{host}");
    }
    for leaky in [
        "socks5://127.0.0.1:9050",
        "http://127.0.0.1:8118",
        "127.0.0.1:9050",
    ] {
        let refused = tor_proxy("abc.onion", Some(leaky)).unwrap_err();
        assert!(refused.to_string().contains("socks5h://"), "{leaky}");
    }
}
