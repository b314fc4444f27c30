//! Many alerts for benchmarks: Contoso's kinds of alert, raised on a few hundred generated
//! devices for a few hundred generated accounts, about five to an incident, created over the
//! last 30 days. Every choice is a function of the alert's index (as in [`super::build`]), so
//! the same count gives the same alerts on every run.

use time::Duration;

use super::plan::{Plan, account, host};
use super::{Account, Host, contoso};

/// Devices and accounts (Contoso's seven among them) in the pools; primes, so the cycles of templates, devices and accounts
/// (and of severities and statuses) rarely line up.
const DEVICES: usize = 397;
const ACCOUNTS: usize = 211;
const OPERATING_SYSTEMS: [&str; 5] = [
    "Windows 11",
    "Windows 10",
    "Windows Server 2022",
    "Ubuntu 24.04",
    "macOS 15",
];

/// The plan for `count` generated alerts.
pub(super) fn plan(count: usize) -> Plan {
    let contoso = contoso::plan();
    let days = Duration::days(30) - Duration::hours(1);
    let mut accounts = contoso.accounts;
    let more = ACCOUNTS.saturating_sub(accounts.len());
    accounts.extend((1..=more).map(user));
    Plan {
        id_tag: 90,
        alert_count: count,
        alerts_per_incident: 5,
        first_incident_id: 1001,
        spacing: days / u32::try_from(count.max(1)).unwrap_or(u32::MAX),
        templates: contoso.templates,
        hosts: (0..DEVICES).map(device).collect(),
        accounts,
        analysts: contoso.analysts,
        sentinel_alert: Some(6),
    }
}

fn device(n: usize) -> Host {
    let os = OPERATING_SYSTEMS[n % OPERATING_SYSTEMS.len()];
    let kind = if os.contains("Server") || os.starts_with("Ubuntu") {
        "srv"
    } else {
        "ws"
    };
    host(
        &format!("{kind}-{n:04}.contoso.example"),
        os,
        &format!("10.20.{}.{}", n / 250, 1 + n % 250),
        &format!(
            "{:040x}",
            0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(n as u64 + 1)
        ),
    )
}

fn user(n: usize) -> Account {
    account(
        &format!("user{n:04}@contoso.example"),
        &format!("Contoso user {n:04}"),
        &format!("{n:08x}-5eed-4a00-8000-{:012x}", n * 7919),
    )
}
