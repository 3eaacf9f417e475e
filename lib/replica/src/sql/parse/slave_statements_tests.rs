use super::*;
use crate::replication::channel::UseGtid;
use proptest::prelude::*;

fn ok(text: &str) -> SlaveStatement {
    parse(text).expect("a slave statement").expect("parses")
}

fn near(text: &str) -> String {
    let e = parse(text).expect("a slave statement").unwrap_err();
    assert_eq!(e.code, 1064);
    let start = e.message.find("near '").unwrap() + 6;
    let end = e.message.rfind("' at line").unwrap();
    e.message[start..end].to_string()
}

#[test]
fn reads_change_master_with_every_kind_of_value() {
    let SlaveStatement::ChangeMaster {
        connection,
        options,
        mysql_only,
    } = ok(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=19520, master_user = 'root', \
         MASTER_CONNECT_RETRY=1, MASTER_LOG_FILE='m.000001', MASTER_LOG_POS=635, \
         MASTER_USE_GTID=current_pos, MASTER_HEARTBEAT_PERIOD=0.5, IGNORE_SERVER_IDS=(3, 4), \
         MASTER_SSL=1, MASTER_DELAY=2",
    )
    else {
        panic!("not CHANGE MASTER");
    };
    assert_eq!(connection, "");
    assert_eq!(options.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(options.port, Some(19520));
    assert_eq!(options.log_pos, Some(635));
    assert_eq!(options.use_gtid, Some(UseGtid::CurrentPos));
    assert_eq!(options.heartbeat_millis, Some(500));
    assert_eq!(options.ignore_server_ids, Some(vec![3, 4]));
    assert_eq!((options.ssl, options.delay), (Some(true), Some(2)));
    assert_eq!((options.auto_position, mysql_only), (None, None));
    let SlaveStatement::ChangeMaster { connection, .. } =
        ok("change master 'foo' to master_host='x'")
    else {
        panic!("not CHANGE MASTER");
    };
    assert_eq!(connection, "foo");
}

#[test]
fn bad_change_master_quotes_what_mariadb_quotes() {
    assert_eq!(near("change master to master_port='x'"), "'x'");
    assert_eq!(near("change master to master_bogus=1"), "master_bogus=1");
    assert_eq!(near("change master master_port=1"), "master_port=1");
    assert_eq!(near("change master to master_use_gtid=foo"), "foo");
    assert_eq!(near("change master to"), "");
}

#[test]
fn master_auto_position_is_read_and_carries_mariadbs_syntax_error() {
    let SlaveStatement::ChangeMaster {
        options,
        mysql_only,
        ..
    } = ok("CHANGE MASTER TO MASTER_CONNECT_RETRY=2, MASTER_AUTO_POSITION = 1")
    else {
        panic!("not CHANGE MASTER");
    };
    assert_eq!(options.auto_position, Some(true));
    let e = mysql_only.expect("MariaDB refuses the option");
    assert_eq!(e.code, 1064);
    assert!(
        e.message
            .ends_with("near 'MASTER_AUTO_POSITION = 1' at line 1"),
        "{}",
        e.message
    );
}

#[test]
fn reads_start_stop_reset_and_show() {
    assert_eq!(
        ok("START SLAVE"),
        SlaveStatement::Start {
            connection: String::new(),
            threads: Threads::default(),
            until: None
        }
    );
    let SlaveStatement::Start { threads, until, .. } =
        ok("start slave sql_thread until master_log_file='m.000001', master_log_pos=4")
    else {
        panic!("not START");
    };
    assert!(threads.sql() && !threads.io());
    let until = until.unwrap();
    assert_eq!(
        (until.master_log_file.as_deref(), until.master_log_pos),
        (Some("m.000001"), Some(4))
    );
    assert_eq!(near("start slave io_thread sql_thread"), "sql_thread");
    assert_eq!(near("start slave until bogus=1"), "bogus=1");
    let SlaveStatement::Stop { threads, .. } = ok("stop slave io_thread, sql_thread") else {
        panic!("not STOP");
    };
    assert!(threads.io() && threads.sql());
    assert_eq!(
        ok("reset slave all"),
        SlaveStatement::Reset {
            connection: String::new(),
            all: true
        }
    );
    assert_eq!(
        ok("SHOW SLAVE 'foo' STATUS"),
        SlaveStatement::ShowStatus {
            connection: "foo".into()
        }
    );
    assert_eq!(ok("show all slaves status"), SlaveStatement::ShowAllStatus);
    assert_eq!(
        ok("show replica status"),
        SlaveStatement::ShowStatus {
            connection: String::new()
        }
    );
    assert!(parse("SHOW SLAVE HOSTS").is_none());
    assert!(parse("SELECT 1").is_none());
}

#[test]
fn reads_show_relaylog_events() {
    assert_eq!(
        ok("SHOW RELAYLOG EVENTS IN 'r.000002' FROM 256 LIMIT 1, 2"),
        SlaveStatement::ShowRelaylogEvents {
            connection: String::new(),
            file: Some("r.000002".into()),
            from: 256,
            offset: 1,
            count: Some(2)
        }
    );
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,60}") {
        let _ = parse(&text);
        let _ = parse(&format!("CHANGE MASTER TO {text}"));
        let _ = parse(&format!("START SLAVE {text}"));
        let _ = parse(&format!("SHOW RELAYLOG {text}"));
    }
}
