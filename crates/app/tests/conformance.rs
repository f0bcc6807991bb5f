//! Encoding conformance: the borsh bytes of every wire and state type are pinned
//! in `fixtures/encodings.txt`. A change of encoding fails this test; regenerating
//! the fixtures (`GREENHOUR_BLESS=1 cargo test -p greenhour-app --test conformance`)
//! is a reviewed act, because it breaks every signature and hash made before.

use greenhour_app::{AppAction, AppParams, Block, Header, Tx, TxBody, TxRecord};
use greenhour_bank::{BankAction, ModuleAccount, Output, Permission};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash, Hour};
use greenhour_state::Event;

fn sample_tx() -> Tx {
    let key = SecretKey::from_name("fixture");
    TxBody {
        chain_id: ChainId::new("greenhour-fixture").unwrap(),
        signer: key.public_key(),
        nonce: 7,
        fee: 1_000,
        actions: vec![
            AppAction::Bank(BankAction::Send { to: Address([2; 20]), coins: vec![Coin::ghr(5)] }),
            AppAction::Bank(BankAction::MultiSend {
                outputs: vec![Output { to: Address([3; 20]), coins: vec![Coin::new(Denom::gusd(), u128::MAX)] }],
            }),
        ],
        memo: "hi".into(),
    }
    .sign(&key)
}

fn samples() -> Vec<(&'static str, Vec<u8>)> {
    let tx = sample_tx();
    let header = Header {
        chain_id: ChainId::new("greenhour-fixture").unwrap(),
        height: 9,
        time: 1_767_225_600,
        prev_hash: Hash([1; 32]),
        tx_root: Hash([2; 32]),
        app_hash: Hash([3; 32]),
        validators_hash: Hash([4; 32]),
        next_validators_hash: Hash([5; 32]),
        last_commit_hash: Hash([6; 32]),
    };
    let e = |v: &dyn Fn() -> Vec<u8>| v();
    vec![
        ("address", e(&|| greenhour_codec::encode(&Address([9; 20])))),
        ("hash", e(&|| greenhour_codec::encode(&Hash([8; 32])))),
        ("hour", e(&|| greenhour_codec::encode(&Hour(491_000)))),
        ("denom", e(&|| greenhour_codec::encode(&Denom::gco2()))),
        ("coin", e(&|| greenhour_codec::encode(&Coin::ghr(1_000_000)))),
        ("public_key", greenhour_codec::encode(&SecretKey::from_name("fixture").public_key())),
        ("tx_body", greenhour_codec::encode(&tx.body)),
        ("tx", tx.encode()),
        ("header", greenhour_codec::encode(&header)),
        ("block", greenhour_codec::encode(&Block { header: header.clone(), txs: vec![tx.clone()], last_commit: None })),
        (
            "tx_record",
            greenhour_codec::encode(&TxRecord {
                hash: Hash([4; 32]),
                height: 3,
                index: 1,
                events: vec![Event::new("bank.transfer").attr("amount", "5ughr")],
                error: None,
            }),
        ),
        (
            "tx_record_failed",
            greenhour_codec::encode(&TxRecord {
                hash: Hash([5; 32]),
                height: 3,
                index: 2,
                events: vec![Event::new("bank.transfer").attr("amount", "1000ughr")],
                error: Some(greenhour_framework::ErrorInfo::new("market", 9, "limit exceeded")),
            }),
        ),
        ("app_params", greenhour_codec::encode(&AppParams::default())),
        (
            "module_account",
            greenhour_codec::encode(&ModuleAccount {
                name: "fee_collector".into(),
                address: Address::for_module("fee_collector"),
                permissions: vec![Permission::Mint, Permission::Burn],
            }),
        ),
        ("devices_report_action", greenhour_codec::encode(&devices_report())),
        ("devices_register_action", greenhour_codec::encode(&devices_register())),
        (
            "nft_transfer_action",
            greenhour_codec::encode(&AppAction::Nft(greenhour_nft::NftAction::Transfer {
                id: greenhour_nft::TokenId { class: "position".into(), serial: 7 },
                to: Address([5; 20]),
            })),
        ),
        (
            "oracle_submit_action",
            greenhour_codec::encode(&AppAction::Oracle(greenhour_oracle::OracleAction::Submit {
                feed: "price.de".into(),
                round: 12,
                value: -76_010,
            })),
        ),
        ("pools_create_action", greenhour_codec::encode(&pools_create())),
        (
            "pools_pledge_action",
            greenhour_codec::encode(&AppAction::Pools(greenhour_pools::PoolsAction::Pledge {
                pool: greenhour_pools::PoolId(2),
                device: greenhour_devices::DeviceId(3),
                first_hour: 490_897,
                hours: 24,
                quantity: 2,
            })),
        ),
        (
            "market_swap_action",
            greenhour_codec::encode(&AppAction::Market(greenhour_market::MarketAction::Swap {
                slot: greenhour_primitives::Denom::new("slot/home/490906").unwrap(),
                buy_slots: true,
                exact: greenhour_market::Exact::Out(4),
                limit: 9_000_000,
                deadline: 1_767_229_200,
            })),
        ),
        (
            "market_buy_hours_action",
            greenhour_codec::encode(&AppAction::Market(greenhour_market::MarketAction::BuyHours {
                first_slot: greenhour_primitives::Denom::new("slot/home/490906").unwrap(),
                hours: 4,
                slots_per_hour: 1,
                quote: greenhour_primitives::Denom::gusd(),
                max_total: 20_000_000,
                deadline: 1_767_229_200,
            })),
        ),
        (
            "pools_provide_action",
            greenhour_codec::encode(&AppAction::Pools(greenhour_pools::PoolsAction::Provide {
                position: 7,
                hour: 490_906,
                quantity: 2,
                max_quote: 6_000_000,
                min_shares: 1,
                deadline: 1_767_229_200,
            })),
        ),
        (
            "jobs_post_action",
            greenhour_codec::encode(&AppAction::Jobs(greenhour_jobs::JobsAction::Post {
                spec: greenhour_jobs::JobSpec {
                    kind: greenhour_jobs::TaskKind::Rendering,
                    class: greenhour_devices::DeviceClass::Home,
                    gpus: 1,
                    hours: 2,
                    earliest_hour: 490_906,
                    deadline_hour: 490_910,
                    min_green_bps: 5_000,
                    pricing: greenhour_jobs::Pricing::Market {
                        quote: greenhour_primitives::Denom::gusd(),
                        max_price_per_gpu_hour: 4_000_000,
                    },
                    incentive: 3_000_000,
                    workload: greenhour_jobs::Workload::Wasm {
                        module: Hash::digest(b"module"),
                        input: vec![1, 2, 3],
                        fuel: 50_000_000,
                    },
                    verification: greenhour_jobs::Verification::Optimistic { window_secs: 1_800, sample_bps: 1_000 },
                    bond: 1_000_000,
                    slash_split_bps: 5_000,
                    providers: Vec::new(),
                },
            })),
        ),
        (
            "jobs_commit_action",
            greenhour_codec::encode(&AppAction::Jobs(greenhour_jobs::JobsAction::Commit {
                job: greenhour_jobs::JobId(9),
                device: greenhour_devices::DeviceId(4),
                commitment: Hash::digest(b"commitment"),
            })),
        ),
        (
            "jobs_reveal_action",
            greenhour_codec::encode(&AppAction::Jobs(greenhour_jobs::JobsAction::Reveal {
                job: greenhour_jobs::JobId(9),
                device: greenhour_devices::DeviceId(4),
                output: vec![7; 5],
            })),
        ),
        (
            "jobs_propose_action",
            greenhour_codec::encode(&AppAction::Jobs(greenhour_jobs::JobsAction::Propose {
                assignments: vec![greenhour_jobs::state::Assignment {
                    job: greenhour_jobs::JobId(9),
                    start_hour: 490_907,
                    devices: vec![greenhour_devices::DeviceId(4), greenhour_devices::DeviceId(5)],
                }],
            })),
        ),
        (
            "carbon_issue_action",
            greenhour_codec::encode(&AppAction::Carbon(greenhour_carbon::CarbonAction::Issue {
                reports: vec![Hash::digest(b"report")],
            })),
        ),
        (
            "carbon_claim_action",
            greenhour_codec::encode(&AppAction::Carbon(greenhour_carbon::CarbonAction::Claim {
                bundles: vec![1, 2_001],
                wh: Some(500),
                terms: greenhour_carbon::ClaimTerms {
                    beneficiary: "Bob's Bakery".into(),
                    purpose: "ovens".into(),
                    location: "DE".into(),
                    period_start: 1_767_225_600,
                    period_end: 1_767_229_200,
                },
            })),
        ),
        (
            "carbon_register_credit_action",
            greenhour_codec::encode(&AppAction::Carbon(greenhour_carbon::CarbonAction::RegisterCredit {
                registry: "verra".into(),
                serial: "VCS-981-2022-01".into(),
                project: "Wind park".into(),
                vintage: 2022,
                kind: "renewable".into(),
                tonnes: 3,
                attributes: vec![("methodology".into(), "ACM0002".into())],
            })),
        ),
        (
            "carbon_retire_action",
            greenhour_codec::encode(&AppAction::Carbon(greenhour_carbon::CarbonAction::Retire {
                asset: greenhour_carbon::RetireAsset::Coin { pool: 1 },
                grams: 1_500_000,
                beneficiary: "Carol".into(),
                message: "2026 flights".into(),
            })),
        ),
        (
            "staking_create_validator_action",
            greenhour_codec::encode(&AppAction::Staking(greenhour_staking::StakingAction::CreateValidator {
                consensus_key: SecretKey::from_name("alice-consensus").public_key(),
                moniker: "alice".into(),
                commission_bps: 1_000,
                bond: 10_000_000_000,
            })),
        ),
        (
            "staking_vote",
            greenhour_codec::encode(&greenhour_staking::Vote {
                chain_id: ChainId::new("greenhour-fixture").unwrap(),
                height: 9,
                round: 1,
                kind: greenhour_staking::VoteKind::Precommit,
                block: Some(Hash([6; 32])),
                validator_key: SecretKey::from_name("alice-consensus").public_key(),
            }),
        ),
        (
            "lending_create_market_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::CreateMarket {
                loan: Denom::gusd(),
                collateral: greenhour_lending::Collateral::Positions { class: greenhour_devices::DeviceClass::Home },
                lltv_wad: 500_000_000_000_000_000,
            })),
        ),
        (
            "lending_liquidate_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::Liquidate {
                market: greenhour_lending::MarketId(1),
                borrower: Address([4; 20]),
                repay: u128::MAX,
                serial: Some(17),
            })),
        ),
        (
            "lending_repay_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::Repay {
                market: greenhour_lending::MarketId(1),
                amount: greenhour_lending::Size::Shares(1_000_000),
            })),
        ),
        (
            "lending_provide_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::Provide {
                market: greenhour_lending::MarketId(1),
                serial: 17,
                hour: 490_906,
                quantity: 2,
                max_quote: 4_000_000,
                min_shares: 0,
            })),
        ),
        (
            "stable_open_action",
            greenhour_codec::encode(&AppAction::Stable(greenhour_stable::StableAction::Open {
                denom: Denom::ghr(),
                collateral: u128::MAX,
                debt: 2_000_000_000,
                rate_bps: 450,
            })),
        ),
        (
            "stable_redeem_action",
            greenhour_codec::encode(&AppAction::Stable(greenhour_stable::StableAction::Redeem {
                denom: Denom::ghr(),
                amount: 5_000_000,
                max_fee_bps: 100,
            })),
        ),
        (
            "stable_liquidate_action",
            greenhour_codec::encode(&AppAction::Stable(greenhour_stable::StableAction::Liquidate {
                vault: greenhour_stable::VaultId(9),
            })),
        ),
        (
            "lending_supply_slots_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::SupplySlots {
                market: greenhour_lending::MarketId(2),
                hour: 490_906,
                quantity: 3,
            })),
        ),
        (
            "lending_liquidate_slots_action",
            greenhour_codec::encode(&AppAction::Lending(greenhour_lending::LendingAction::LiquidateSlots {
                market: greenhour_lending::MarketId(2),
                borrower: Address([5; 20]),
                hour: 490_906,
                quantity: u128::MAX,
            })),
        ),
        (
            "rwa_create_package_action",
            greenhour_codec::encode(&AppAction::Rwa(greenhour_rwa::RwaAction::CreatePackage {
                name: "Rooftops 1".into(),
                legal_name: "Rooftops 1 SPV Pte. Ltd.".into(),
                jurisdiction: "SG".into(),
                documents: vec![greenhour_primitives::Hash([7; 32])],
                class: greenhour_devices::DeviceClass::Home,
                tranches: vec![
                    greenhour_rwa::TrancheTerms {
                        name: "senior".into(),
                        coupon_bps: 800,
                        min_subordination_bps: 2_000,
                    },
                    greenhour_rwa::TrancheTerms { name: "junior".into(), coupon_bps: 0, min_subordination_bps: 0 },
                ],
                rules: greenhour_rwa::Rules {
                    allowed_jurisdictions: vec!["SG".into()],
                    blocked_jurisdictions: vec!["KP".into()],
                    accredited_only: true,
                    max_holders: 500,
                    max_holding: 1_000_000_000_000,
                    lockup_secs: 86_400,
                },
                epoch_secs: 3_600,
                fee_bps: 100,
                maturity: 1_775_000_000,
            })),
        ),
        (
            "rwa_invest_action",
            greenhour_codec::encode(&AppAction::Rwa(greenhour_rwa::RwaAction::Invest {
                package: greenhour_rwa::PackageId(1),
                tranche: 0,
                amount: 200_000_000,
            })),
        ),
        (
            "rwa_claim_action",
            greenhour_codec::encode(&AppAction::Rwa(greenhour_rwa::RwaAction::Claim {
                subject: Address([6; 20]),
                jurisdiction: "AE".into(),
                accredited: false,
                expires_at: 1_800_000_000,
            })),
        ),
    ]
}

fn pools_create() -> AppAction {
    use greenhour_pools::{EntryConditions, PoolKind, PoolsAction};
    AppAction::Pools(PoolsAction::Create {
        class: greenhour_devices::DeviceClass::Home,
        kind: PoolKind::GreenCompute,
        conditions: EntryConditions {
            min_stake: 1_000_000,
            lottery_seats: 0,
            window_days: 1,
            min_green_share_bps: 3_000,
            min_uptime_bps: 4_000,
            max_devices_per_cell: 1,
        },
    })
}

fn devices_report() -> AppAction {
    use greenhour_devices::{DeviceId, DevicesAction, TelemetryReport};
    let report = TelemetryReport {
        device: DeviceId(3),
        start: 1_767_222_000,
        end: 1_767_225_600,
        generated_wh: 4_000,
        charged_wh: 1_000,
        discharged_wh: 0,
        imported_wh: 0,
        exported_wh: 1_500,
        compute_wh: 900,
        gpu_seconds: 7_200,
        soc_permille: 600,
        outage_before: false,
    };
    let signature = report.sign(&SecretKey::from_name("fixture-device"), &ChainId::new("greenhour-fixture").unwrap());
    AppAction::Devices(DevicesAction::Report { report, signature })
}

fn devices_register() -> AppAction {
    use greenhour_devices::{DeviceClass, DevicesAction, LocationCell, Nameplate};
    AppAction::Devices(DevicesAction::Register {
        key: SecretKey::from_name("fixture-device").public_key(),
        class: DeviceClass::Home,
        cell: LocationCell::new("u33dc0").unwrap(),
        nameplate: Nameplate {
            pv_w: 5_000,
            battery_wh: 10_000,
            battery_max_w: 5_000,
            charger_w: 7_400,
            gpu_model: "RTX 4090".into(),
            gpu_count: 2,
            gpu_tdp_w: 450,
        },
    })
}

#[test]
fn encodings_match_the_pinned_fixtures() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encodings.txt");
    let rendered: String = samples().iter().map(|(name, bytes)| format!("{name} {}\n", hex::encode(bytes))).collect();
    if std::env::var("GREENHOUR_BLESS").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
    }
    let pinned = std::fs::read_to_string(&path).expect("fixtures exist (bless them once with GREENHOUR_BLESS=1)");
    for (want, got) in pinned.lines().zip(rendered.lines()) {
        assert_eq!(got, want, "encoding changed");
    }
    assert_eq!(pinned.lines().count(), rendered.lines().count(), "fixture set changed");
}

#[test]
fn every_fixture_decodes_back_to_its_value() {
    let tx = sample_tx();
    let decoded: Tx = greenhour_codec::decode(&tx.encode()).unwrap();
    assert_eq!(decoded, tx);
    decoded.verify_signature().unwrap();
    assert_eq!(decoded.hash(), tx.hash());
}

/// `docs/spec/wire.md` §4 names each module's action index; every pinned action
/// sample starts with the index the table gives its module, and the table lists
/// the registry's modules with actions in the registry's order.
#[test]
fn the_wire_spec_action_table_matches_the_encodings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = std::fs::read_to_string(root.join("docs/spec/wire.md")).unwrap();
    let table: Vec<(u8, String)> = spec
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            Some((cells.get(1)?.parse().ok()?, cells.get(2)?.to_string()))
        })
        .collect();
    let with_actions: Vec<String> = greenhour_app::modules::MODULES
        .iter()
        .map(|(_, name)| name.to_string())
        .filter(|name| name != "index")
        .collect();
    assert_eq!(table.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>(), with_actions);
    assert!(table.iter().enumerate().all(|(i, (index, _))| usize::from(*index) == i), "{table:?}");
    let mut checked = 0;
    for (name, bytes) in samples().into_iter().filter(|(n, _)| n.ends_with("_action")) {
        let module = name.split('_').next().unwrap();
        let (index, _) = table.iter().find(|(_, m)| m == module).unwrap_or_else(|| panic!("{module} not in wire.md"));
        assert_eq!(bytes[0], *index, "{name}");
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");
}

/// Each module's action variants in declaration order (their borsh index), with
/// their fields as written, read from `crates/modules/{module}/src/action.rs`:
/// the enum named `{Module}Action`, attributes and doc comments left out.
fn declared_actions(root: &std::path::Path, module: &str) -> Vec<String> {
    let source = std::fs::read_to_string(root.join(format!("crates/modules/{module}/src/action.rs"))).unwrap();
    let name = format!("{}{}Action", module[..1].to_uppercase(), &module[1..]);
    let start = source.find(&format!("pub enum {name} {{")).unwrap_or_else(|| panic!("no {name} in {module}"));
    let body = &source[start..];
    let body = &body[body.find('{').unwrap() + 1..];
    let mut variants = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for line in body.lines() {
        let code = line.trim();
        if code.starts_with("///") || code.starts_with("//") || code.starts_with("#[") {
            continue;
        }
        if depth == 0 && code == "}" {
            break;
        }
        current.push(' ');
        current.push_str(code);
        depth += code.matches(['{', '(']).count() as i32 - code.matches(['}', ')']).count() as i32;
        if depth == 0 && current.trim_end().ends_with(',') {
            let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
            variants.push(text.trim_end_matches(',').replace(", }", " }").replace(", )", ")"));
            current.clear();
        }
    }
    variants
}

/// The list of every action `docs/spec/wire.md` §4.1 gives, as the sources
/// declare them: a new or reordered variant fails here until the spec follows.
/// `GREENHOUR_BLESS=1` rewrites the section from the sources.
#[test]
fn the_wire_spec_lists_every_action_in_declaration_order() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("docs/spec/wire.md");
    let spec = std::fs::read_to_string(&path).unwrap();
    let mut expected = String::from("```text\n");
    for (index, module) in greenhour_app::modules::MODULES.iter().map(|(_, m)| *m).filter(|m| *m != "index").enumerate()
    {
        expected.push_str(&format!("{index} {module}\n"));
        for (i, variant) in declared_actions(&root, module).iter().enumerate() {
            expected.push_str(&format!("  {i} {variant}\n"));
        }
    }
    expected.push_str("```\n");
    let (begin, end) = ("<!-- actions:begin -->\n", "<!-- actions:end -->");
    let from = spec.find(begin).expect("wire.md has the actions markers") + begin.len();
    let to = spec.find(end).expect("wire.md has the actions end marker");
    if std::env::var_os("GREENHOUR_BLESS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &spec[..from], &spec[to..])).unwrap();
        return;
    }
    assert_eq!(&spec[from..to], expected, "wire.md §4.1 is stale: run with GREENHOUR_BLESS=1");
    assert!(expected.lines().count() > 100, "every module's actions are listed");
}
