//! The rule table of spec §7, state × option class → result, for both flavors.

use super::*;
use crate::replication::channel::UseGtid;

const STOPPED: Running = Running {
    io: false,
    sql: false,
};
const IO_ONLY: Running = Running {
    io: true,
    sql: false,
};
const SQL_ONLY: Running = Running {
    io: false,
    sql: true,
};
const BOTH: Running = Running {
    io: true,
    sql: true,
};

fn applier() -> ChangeMaster {
    ChangeMaster {
        delay: Some(10),
        ..ChangeMaster::default()
    }
}

fn receiver() -> ChangeMaster {
    ChangeMaster {
        connect_retry: Some(2),
        ..ChangeMaster::default()
    }
}

fn mixed() -> ChangeMaster {
    ChangeMaster {
        relay_log_pos: Some(4),
        host: Some("127.0.0.1".into()),
        ..ChangeMaster::default()
    }
}

fn auto_position(on: bool) -> ChangeMaster {
    ChangeMaster {
        auto_position: Some(on),
        ..ChangeMaster::default()
    }
}

use Refusal::{IoThreadMustStop as Io, SlaveMustStop as Both, SqlThreadMustStop as Sql};

#[test]
fn mysql_rule_table() {
    let table: [(Running, ChangeMaster, Result<(), Refusal>); 16] = [
        (STOPPED, applier(), Ok(())),
        (STOPPED, receiver(), Ok(())),
        (STOPPED, mixed(), Ok(())),
        (STOPPED, auto_position(true), Ok(())),
        (IO_ONLY, applier(), Ok(())),
        (IO_ONLY, receiver(), Err(Io)),
        (IO_ONLY, mixed(), Err(Io)),
        (IO_ONLY, auto_position(true), Err(Both)),
        (SQL_ONLY, applier(), Err(Sql)),
        (SQL_ONLY, receiver(), Ok(())),
        (SQL_ONLY, mixed(), Err(Sql)),
        (SQL_ONLY, auto_position(true), Err(Both)),
        (BOTH, applier(), Err(Sql)),
        (BOTH, receiver(), Err(Io)),
        // Applier options are checked first.
        (BOTH, mixed(), Err(Sql)),
        (BOTH, auto_position(true), Err(Both)),
    ];
    for (running, change, expected) in table {
        assert_eq!(
            check(Flavor::MySql, running, &change),
            expected,
            "{running:?} {change:?}"
        );
    }
}

#[test]
fn mysql_auto_position_off_is_a_receiver_option() {
    assert_eq!(
        check(Flavor::MySql, SQL_ONLY, &auto_position(false)),
        Ok(())
    );
    assert_eq!(
        check(Flavor::MySql, IO_ONLY, &auto_position(false)),
        Err(Io)
    );
}

#[test]
fn mariadb_refuses_everything_while_any_thread_runs() {
    let gtid = ChangeMaster {
        use_gtid: Some(UseGtid::No),
        ..ChangeMaster::default()
    };
    for change in [applier(), receiver(), mixed(), gtid] {
        assert_eq!(check(Flavor::MariaDb, STOPPED, &change), Ok(()));
        for running in [IO_ONLY, SQL_ONLY, BOTH] {
            assert_eq!(check(Flavor::MariaDb, running, &change), Err(Both));
        }
    }
}

#[test]
fn every_option_is_of_exactly_one_class() {
    let options = [
        ChangeMaster {
            host: Some("h".into()),
            ..Default::default()
        },
        ChangeMaster {
            password: Some("p".into()),
            ..Default::default()
        },
        ChangeMaster {
            log_pos: Some(4),
            ..Default::default()
        },
        ChangeMaster {
            heartbeat_millis: Some(1),
            ..Default::default()
        },
        ChangeMaster {
            ignore_server_ids: Some(vec![]),
            ..Default::default()
        },
        ChangeMaster {
            relay_log_file: Some("r".into()),
            ..Default::default()
        },
        applier(),
        receiver(),
    ];
    let applier_count = options.iter().filter(|c| has_applier_option(c)).count();
    for change in &options {
        assert_ne!(
            has_applier_option(change),
            has_receiver_option(change),
            "{change:?}"
        );
    }
    assert_eq!(applier_count, 2);
    assert!(!has_applier_option(&ChangeMaster::default()));
    assert!(!has_receiver_option(&ChangeMaster::default()));
}

#[test]
fn errors_carry_each_products_code_and_text() {
    let e = Both.error(Flavor::MySql);
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1198,
            "This operation cannot be performed with a running slave; run STOP SLAVE first"
        )
    );
    let e = Both.error(Flavor::MariaDb);
    assert_eq!(
        e.message,
        "This operation cannot be performed as you have a running slave ''; run STOP SLAVE '' first"
    );
    assert_eq!(Sql.error(Flavor::MySql).code, 3017);
    let e = Io.error(Flavor::MySql);
    assert_eq!(e.code, 3021);
    assert!(
        e.message
            .ends_with("run STOP SLAVE IO_THREAD FOR CHANNEL '' first.")
    );
}

#[test]
fn only_mysql_warns_about_temp_tables_and_only_for_source_or_position() {
    assert!(warns_on_stop(Flavor::MySql, 1));
    assert!(!warns_on_stop(Flavor::MySql, 0));
    assert!(!warns_on_stop(Flavor::MariaDb, 1));
    assert!(warns_on_change(Flavor::MySql, 1, &mixed()));
    assert!(!warns_on_change(Flavor::MySql, 1, &receiver()));
    assert!(!warns_on_change(Flavor::MySql, 1, &applier()));
    assert!(!warns_on_change(Flavor::MariaDb, 1, &mixed()));
}
