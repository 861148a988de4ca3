//! The real `tienda` executable: its help, its start-up and its graceful stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_tienda");

#[test]
fn help_documents_every_setting_and_its_environment_variable() -> anyhow::Result<()> {
    let output = Command::new(BINARY).arg("--help").output()?;
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout)?;
    for variable in [
        "TIENDA_ADDR",
        "TIENDA_DATA_DIR",
        "TIENDA_DATABASE_URL",
        "TIENDA_JWT_KEY_FILE",
        "TIENDA_ADMIN_EMAIL",
        "TIENDA_ADMIN_PASSWORD",
        "TIENDA_LOG",
        "TIENDA_LOG_FORMAT",
        "TIENDA_BODY_LIMIT_BYTES",
        "TIENDA_REQUEST_TIMEOUT_SECS",
        "TIENDA_CONFIG",
        "TIENDA_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        "TIENDA_HASH_QUEUE",
        "TIENDA_AMQP_URL",
        "TIENDA_EVENTS_MAX_ATTEMPTS",
        "TIENDA_CATALOG_URL",
        "TIENDA_SERVICE_SECRET",
        "TIENDA_ORDERS_PAYMENT_LIMIT",
        "TIENDA_ORDERS_RECOVERY_GRACE_SECS",
        "TIENDA_WEB_URL",
        "TIENDA_SHOP_CURRENCY",
        "TIENDA_RATE_LIMIT_PER_SECOND",
        "TIENDA_RATE_LIMIT_BURST",
        "TIENDA_RATE_LIMIT_GUARDED_PER_MINUTE",
        "TIENDA_RATE_LIMIT_GUARDED_BURST",
    ] {
        assert!(
            help.contains(variable),
            "--help does not mention {variable}"
        );
    }
    for command in ["all", "serve", "gateway", "probe", "migrate", "events"] {
        assert!(
            help.contains(command),
            "--help does not mention `{command}`"
        );
    }
    Ok(())
}

#[test]
fn a_named_config_file_that_does_not_exist_stops_the_start() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = Command::new(BINARY)
        .args(["--config", "absent.toml", "migrate"])
        .current_dir(dir.path())
        .output()?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("absent.toml"));
    Ok(())
}

#[test]
fn an_unknown_key_in_tienda_toml_stops_the_start() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("tienda.toml"), "adr = \"127.0.0.1:1\"\n")?;
    let output = Command::new(BINARY)
        .arg("migrate")
        .current_dir(dir.path())
        .output()?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("adr"));
    Ok(())
}

#[test]
fn it_starts_on_a_fresh_data_dir_answers_and_stops_cleanly_on_sigterm() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut child = Command::new(BINARY)
        .env("TIENDA_ADDR", "127.0.0.1:0")
        .env("TIENDA_DATA_DIR", dir.path().join("data"))
        .env("TIENDA_LOG", "warn")
        .env_remove("TIENDA_ADMIN_EMAIL")
        .env_remove("TIENDA_ADMIN_PASSWORD")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .ok_or_else(|| anyhow::anyhow!("no address in {line:?}"))?
        .to_owned();
    let live = reqwest::blocking::get(format!("http://{address}/health/live"))?;
    assert_eq!(live.status(), reqwest::StatusCode::OK);

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(terminated.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "tienda did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        std::io::Read::read_to_string(&mut pipe, &mut stderr)?;
    }
    assert!(
        stderr.contains("admin@tienda.localhost"),
        "the generated administrator was not shown"
    );
    assert!(dir.path().join("data/identity.db").exists());
    assert!(dir.path().join("data/customers.db").exists());
    assert!(dir.path().join("data/support.db").exists());
    assert!(dir.path().join("data/catalog.db").exists());
    Ok(())
}

#[test]
fn a_bad_support_calendar_stops_the_start_with_a_clear_message() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = Command::new(BINARY)
        .env("TIENDA_ADDR", "127.0.0.1:0")
        .env("TIENDA_DATA_DIR", dir.path().join("data"))
        .env("TIENDA_SUPPORT_TIME_ZONE", "Mars/Olympus")
        .current_dir(dir.path())
        .output()?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Mars/Olympus"));
    Ok(())
}
