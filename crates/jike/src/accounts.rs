//! `jike user …` and `jike token …`: accounts and API tokens, on the database directly (the
//! first administrator has nobody to log in as). There is no default password: a password is
//! read from standard input (`--password-stdin`), never from the command line.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use jike_domain::{Role, Room, Vocabulary};
use jike_store::users::NewUser;
use jike_store::{Caller, Store};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add an account
    Add {
        /// Login name (letters, digits, '.', '_', '-')
        #[arg(long)]
        name: String,
        /// admin, monitoring, lead_room, contractor, account_manager, customer or auditor
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from standard input (one line)
        #[arg(long)]
        password_stdin: bool,
        /// The name shown [default: the login name]
        #[arg(long)]
        display_name: Option<String>,
        /// lead_room: its room (transport, service_support, data, core, power)
        #[arg(long, value_parser = parse_room)]
        room: Option<Room>,
        /// contractor: the contractor's code
        #[arg(long)]
        contractor: Option<String>,
        /// customer: the customer's code
        #[arg(long)]
        customer: Option<String>,
        /// account_manager: the name its customers carry as account manager [default: the
        /// display name]
        #[arg(long)]
        manager: Option<String>,
        /// contractor: a region it works in (repeat), when narrower than its company's
        #[arg(long = "region")]
        regions: Vec<String>,
        /// contractor: the staff member (工号) of its contractor whose account it is (a
        /// technician: its assigned orders are "mine")
        #[arg(long)]
        staff: Option<String>,
        /// Print the account as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the accounts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set an account's password, read from standard input; its sessions end
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Link a contractor's account to one of its staff members (a technician)
    Link {
        name: String,
        /// The staff member's code (工号), of the account's contractor
        #[arg(long)]
        staff: String,
    },
    /// Remove an account's link to a staff member
    Unlink { name: String },
    /// Disable an account: its sessions end and its tokens stop working
    Disable { name: String },
    /// Enable a disabled (or locked) account
    Enable { name: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown this once)
    Create {
        /// Whose token
        #[arg(long)]
        user: String,
        /// What it is for
        #[arg(long, default_value = "cli")]
        name: String,
        /// Lifetime: 30d, 12h, 90d … [default: no expiry]
        #[arg(long, value_parser = parse_lifetime)]
        expires: Option<chrono::Duration>,
        /// Scopes, comma-separated: read, write
        #[arg(long, default_value = "read,write")]
        scope: String,
        /// Print the token and its details as JSON
        #[arg(long)]
        json: bool,
    },
    /// List tokens (never their secrets)
    List {
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token at once
    Revoke { id: i64 },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).map_err(|e| e.to_string())
}

fn parse_room(s: &str) -> Result<Room, String> {
    Room::parse(s).map_err(|e| e.to_string())
}

/// `30d`, `12h`, `45m`.
fn parse_lifetime(s: &str) -> Result<chrono::Duration, String> {
    let s = s.trim();
    let bad = || format!("'{s}' is not a lifetime like 30d, 12h or 45m");
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| bad())?;
    if n <= 0 || n > 3650 * 24 * 60 {
        return Err(bad());
    }
    match unit {
        "d" if n <= 3650 => Ok(chrono::Duration::days(n)),
        "h" if n <= 3650 * 24 => Ok(chrono::Duration::hours(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        _ => Err(bad()),
    }
}

/// Who the command line acts as in the audit log: `cli:` and the operating-system user.
pub fn cli_caller() -> Caller {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Caller::system(&format!("cli:{who}"))
}

fn read_password() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the password from standard input")?;
    let password = text.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

pub async fn run_user(command: UserCommand, store: &Store) -> anyhow::Result<ExitCode> {
    let caller = cli_caller();
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
            display_name,
            room,
            contractor,
            customer,
            manager,
            regions,
            staff,
            json,
        } => {
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let input = NewUser {
                name,
                display_name,
                role,
                password,
                room,
                contractor_code: contractor,
                customer_code: customer,
                account_manager: manager,
                region_codes: regions,
                staff_code: staff,
            };
            let user = store.add_user(&caller, &input).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&user)?);
            } else {
                println!(
                    "added user {} ({} {}){}",
                    user.name,
                    user.role.code(),
                    user.role.zh(),
                    if user.has_password {
                        ""
                    } else {
                        ", without a password: it can use API tokens only"
                    }
                );
            }
        }
        UserCommand::List { json } => {
            let users = store.users().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in users {
                    let anchor = u
                        .room
                        .map(|r| r.code().to_string())
                        .or(u.contractor_code.clone())
                        .or(u.customer_code.clone())
                        .or(u.account_manager.clone())
                        .unwrap_or_default();
                    let staff = u
                        .staff_code
                        .as_ref()
                        .map(|s| format!(" staff {s}"))
                        .unwrap_or_default();
                    println!(
                        "{}\t{}\t{}\t{}{}{}",
                        u.name,
                        u.role.code(),
                        u.display_name,
                        anchor,
                        staff,
                        if u.disabled { "\tdisabled" } else { "" }
                    );
                }
            }
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            if !password_stdin {
                bail!("pass the new password on standard input with --password-stdin");
            }
            let password = read_password()?;
            store.set_password(&caller, &name, &password).await?;
            println!("password of {name} set; its sessions ended");
        }
        UserCommand::Link { name, staff } => {
            let user = store.set_staff(&caller, &name, Some(&staff)).await?;
            println!(
                "{name} is the account of {} ({})",
                user.staff_name.unwrap_or_default(),
                user.staff_code.unwrap_or_default()
            );
        }
        UserCommand::Unlink { name } => {
            store.set_staff(&caller, &name, None).await?;
            println!("{name} is linked to no staff member");
        }
        UserCommand::Disable { name } => {
            store.set_disabled(&caller, &name, true).await?;
            println!("{name} disabled");
        }
        UserCommand::Enable { name } => {
            store.set_disabled(&caller, &name, false).await?;
            println!("{name} enabled");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run_token(command: TokenCommand, store: &Store) -> anyhow::Result<ExitCode> {
    let caller = cli_caller();
    match command {
        TokenCommand::Create {
            user,
            name,
            expires,
            scope,
            json,
        } => {
            let scopes: Vec<String> = scope
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let expires_at = expires.map(|d| chrono::Utc::now() + d);
            let (token, secret) = store
                .create_token(&caller, &user, &name, &scopes, expires_at)
                .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "token": token, "secret": secret })
                    )?
                );
            } else {
                // The token alone on standard output, so that scripts can capture it.
                println!("{secret}");
            }
        }
        TokenCommand::List { user, json } => {
            let tokens = store.tokens(user.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                for t in tokens {
                    let state = if t.revoked_at.is_some() {
                        "revoked".to_string()
                    } else {
                        t.expires_at
                            .map(|e| format!("expires {}", jike_store::orders::local(e)))
                            .unwrap_or_else(|| "no expiry".into())
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{state}",
                        t.id,
                        t.user,
                        t.name,
                        t.scopes.join(",")
                    );
                }
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(&caller, id).await?;
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_take_days_hours_and_minutes() {
        assert_eq!(parse_lifetime("30d").unwrap(), chrono::Duration::days(30));
        assert_eq!(parse_lifetime("12h").unwrap(), chrono::Duration::hours(12));
        assert!(parse_lifetime("0d").is_err());
        assert!(parse_lifetime("30").is_err());
        assert!(parse_lifetime("d").is_err());
        assert!(parse_lifetime("99999d").is_err());
    }
}
