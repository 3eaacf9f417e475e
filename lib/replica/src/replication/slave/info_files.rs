//! `master.info` and `relay-log.info` in the datadir, in MariaDB 10.11's
//! line format, so that the connection's configuration and both threads'
//! positions survive a restart. CHANGE MASTER and the threads write them;
//! start-up reads them back; RESET SLAVE removes them.

use std::fs;
use std::io;
use std::path::Path;

use crate::replication::channel::{MasterInfo, SqlStatus, UseGtid};

const MASTER_INFO: &str = "master.info";
const RELAY_LOG_INFO: &str = "relay-log.info";
/// The line count master.info starts with (the lines before the key=value part).
const MASTER_INFO_LINES: usize = 33;

/// Writes master.info.
pub fn write_master_info(datadir: &Path, info: &MasterInfo) -> io::Result<()> {
    overwrite(
        &datadir.join(MASTER_INFO),
        master_info_text(info).as_bytes(),
    )
}

/// Writes `text` over the file's start, cutting it only when it was longer:
/// the IO thread rewrites master.info after every event, and truncating
/// each time costs the filesystem far more than the write.
fn overwrite(path: &Path, text: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(text)?;
    if file.metadata()?.len() > text.len() as u64 {
        file.set_len(text.len() as u64)?;
    }
    Ok(())
}

/// Writes relay-log.info.
pub fn write_relay_log_info(datadir: &Path, sql: &SqlStatus, delay: u32) -> io::Result<()> {
    let text = format!(
        "5\n./{}\n{}\n{}\n{}\n{}\n",
        sql.relay_log_file,
        sql.relay_log_pos,
        sql.relay_master_log_file,
        sql.exec_master_log_pos,
        delay
    );
    fs::write(datadir.join(RELAY_LOG_INFO), text)
}

/// Removes both files (RESET SLAVE).
pub fn remove(datadir: &Path) {
    let _ = fs::remove_file(datadir.join(MASTER_INFO));
    let _ = fs::remove_file(datadir.join(RELAY_LOG_INFO));
}

/// The configuration master.info holds, if there is one.
pub fn read_master_info(datadir: &Path) -> Option<MasterInfo> {
    parse_master_info(&fs::read_to_string(datadir.join(MASTER_INFO)).ok()?)
}

/// The SQL thread's position relay-log.info holds, with MASTER_DELAY.
pub fn read_relay_log_info(datadir: &Path) -> Option<(SqlStatus, u32)> {
    let text = fs::read_to_string(datadir.join(RELAY_LOG_INFO)).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let sql = SqlStatus {
        relay_log_file: lines.get(1)?.rsplit('/').next()?.to_string(),
        relay_log_pos: lines.get(2)?.parse().ok()?,
        relay_master_log_file: lines.get(3)?.to_string(),
        exec_master_log_pos: lines.get(4)?.parse().ok()?,
        ..SqlStatus::default()
    };
    let delay = lines.get(5).and_then(|l| l.parse().ok()).unwrap_or(0);
    Some((sql, delay))
}

/// The text MariaDB writes: numbered lines, then `key=value` lines.
pub fn master_info_text(info: &MasterInfo) -> String {
    let mut ids = vec![info.ignore_server_ids.len().to_string()];
    ids.extend(info.ignore_server_ids.iter().map(u32::to_string));
    let mut lines: Vec<String> = vec![
        MASTER_INFO_LINES.to_string(),
        info.log_file.clone(),
        info.log_pos.to_string(),
        info.host.clone(),
        info.user.clone(),
        info.password.clone(),
        info.port.to_string(),
        info.connect_retry.to_string(),
        u8::from(info.ssl).to_string(),
    ];
    lines.extend(std::iter::repeat_n(String::new(), 5)); // ssl ca, capath, cert, cipher, key
    lines.push("0".into()); // ssl_verify_server_cert
    lines.push(format!("{:.3}", info.heartbeat_period));
    lines.push(String::new()); // bind address
    lines.push(ids.join(" "));
    lines.push(String::new());
    lines.push("0".into());
    lines.resize(MASTER_INFO_LINES, String::new());
    lines.push(format!("using_gtid={}", gtid_number(info.use_gtid)));
    lines.push("do_domain_ids=0".into());
    lines.push("ignore_domain_ids=0".into());
    lines.push("END_MARKER".into());
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn gtid_number(use_gtid: UseGtid) -> u8 {
    match use_gtid {
        UseGtid::No => 0,
        UseGtid::CurrentPos => 1,
        UseGtid::SlavePos => 2,
    }
}

/// Reads the text `master_info_text` writes.
pub fn parse_master_info(text: &str) -> Option<MasterInfo> {
    let lines: Vec<&str> = text.lines().collect();
    let line = |i: usize| lines.get(i).copied().unwrap_or("");
    let ids: Vec<u32> = line(17)
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let use_gtid = lines
        .iter()
        .find_map(|l| l.strip_prefix("using_gtid="))
        .map_or(UseGtid::No, |n| match n {
            "1" => UseGtid::CurrentPos,
            "2" => UseGtid::SlavePos,
            _ => UseGtid::No,
        });
    Some(MasterInfo {
        log_file: line(1).to_string(),
        log_pos: line(2).parse().ok()?,
        host: line(3).to_string(),
        user: line(4).to_string(),
        password: line(5).to_string(),
        port: line(6).parse().ok()?,
        connect_retry: line(7).parse().ok()?,
        ssl: line(8) == "1",
        heartbeat_period: line(15).parse().unwrap_or(30.0),
        ignore_server_ids: ids,
        use_gtid,
        configured: true,
        ..MasterInfo::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> MasterInfo {
        MasterInfo {
            host: "127.0.0.1".into(),
            port: 19520,
            user: "root".into(),
            connect_retry: 1,
            heartbeat_period: 30.0,
            log_pos: 4,
            configured: true,
            ..MasterInfo::default()
        }
    }

    #[test]
    fn master_info_has_mariadbs_layout() {
        let text = master_info_text(&info());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 37);
        assert_eq!(
            &lines[..9],
            ["33", "", "4", "127.0.0.1", "root", "", "19520", "1", "0"]
        );
        assert_eq!((lines[15], lines[17], lines[19]), ("30.000", "0", "0"));
        assert_eq!(
            &lines[33..],
            [
                "using_gtid=2",
                "do_domain_ids=0",
                "ignore_domain_ids=0",
                "END_MARKER"
            ]
        );
    }

    #[test]
    fn a_shorter_master_info_replaces_a_longer_one_whole() {
        let dir = std::env::temp_dir().join(format!("info-shrink-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mut long = info();
        long.log_file = "master-bin.000123".into();
        long.log_pos = 123_456_789;
        write_master_info(&dir, &long).unwrap();
        let short = info();
        write_master_info(&dir, &short).unwrap();
        let text = fs::read_to_string(dir.join(MASTER_INFO)).unwrap();
        assert_eq!(text, master_info_text(&short));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn both_files_read_back_what_was_written() {
        let dir = std::env::temp_dir().join(format!("info-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mut master = info();
        master.ignore_server_ids = vec![3, 4];
        master.use_gtid = UseGtid::No;
        master.log_file = "master-bin.000002".into();
        master.log_pos = 552;
        write_master_info(&dir, &master).unwrap();
        assert_eq!(read_master_info(&dir), Some(master));
        let sql = SqlStatus {
            relay_log_file: "slave-relay-bin.000001".into(),
            relay_log_pos: 4,
            ..SqlStatus::default()
        };
        write_relay_log_info(&dir, &sql, 0).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join(RELAY_LOG_INFO)).unwrap(),
            "5\n./slave-relay-bin.000001\n4\n\n0\n0\n"
        );
        let (back, delay) = read_relay_log_info(&dir).unwrap();
        assert_eq!(
            (back.relay_log_file, back.relay_log_pos, delay),
            (sql.relay_log_file, 4, 0)
        );
        remove(&dir);
        assert_eq!(read_master_info(&dir), None);
    }
}
