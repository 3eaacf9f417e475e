//! Runs `rmtr --server container:IMAGE` on the Docker engine of this
//! machine, with the MariaDB image `ci/build-mariadb-image` builds from
//! Debian's packages (`RMTR_MARIADB_IMAGE`, default
//! `rmtr-local/mariadb:10.11`): suite/main and suite/rpl (master and slave
//! containers) give the verdicts of MariaDB from local binaries; Ctrl-C, and
//! a runner killed outright, leave no container and no network behind; a
//! missing image or engine is a quick, clear error. The MySQL image
//! `ci/build-mysql-image` builds (`RMTR_MYSQL_IMAGE`, default
//! `rmtr-local/mysql:9.7`), and `mysql:8.0` where a registry gives it, run
//! the tests that mean the same on MySQL. Under `CI=true` a missing engine,
//! image or MariaDB fails these tests instead of skipping them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Every run sweeps what dead runners left: the test of that sweep runs
/// alone (write), the others side by side (read).
static RUNS: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn shared_engine() -> std::sync::RwLockReadGuard<'static, ()> {
    RUNS.read().unwrap_or_else(|e| e.into_inner())
}

fn image() -> String {
    std::env::var("RMTR_MARIADB_IMAGE").unwrap_or_else(|_| "rmtr-local/mariadb:10.11".into())
}

fn mysql_image() -> String {
    std::env::var("RMTR_MYSQL_IMAGE").unwrap_or_else(|_| "rmtr-local/mysql:9.7".into())
}

/// Whether the engine answers and has the MariaDB image (and MariaDB is
/// installed, for the comparison); under CI a missing part fails the test.
fn containers_available() -> bool {
    images_available(&[(image(), "ci/build-mariadb-image")])
}

/// Whether the engine answers, MariaDB is installed and each image is
/// there (else the script that builds it is named).
fn images_available(images: &[(String, &str)]) -> bool {
    let absent = images
        .iter()
        .find(|(image, _)| !docker(&["image", "inspect", image]).status.success());
    let missing = if !docker(&["info", "--format", "{{.ServerVersion}}"])
        .status
        .success()
    {
        Some("no Docker engine answers".to_string())
    } else if let Some((image, script)) = absent {
        Some(format!(
            "the image {image} is missing: build it with {script}"
        ))
    } else if !Path::new("/usr/sbin/mariadbd").is_file() {
        Some("MariaDB is not installed: apt-get install -y mariadb-server mariadb-test".into())
    } else {
        None
    };
    match missing {
        Some(why) if std::env::var("CI").as_deref() == Ok("true") => panic!("{why}"),
        Some(why) => {
            eprintln!("skipping: {why}");
            false
        }
        None => true,
    }
}

fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("the docker client runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtr-container-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rmtr(vardir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rmtr"));
    command
        .current_dir(repo())
        .arg("--vardir")
        .arg(vardir)
        .env_remove("MTR_BUILD_THREAD");
    command
}

/// rmtr on `server` running suite/rpl's `tests`.
fn rmtr_on(vardir: &Path, server: &str, tests: &[&str]) -> Command {
    let mut command = rmtr(vardir);
    command
        .args(["--server", server, "--suite", "rpl"])
        .args(tests);
    command
}

/// The built image's server name.
fn container() -> String {
    format!("container:{}", image())
}

/// Starts rmtr in the background, its output dropped.
fn spawn_quiet(mut command: Command) -> Child {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Ids of containers, or names of networks, that runner `pid` labelled.
fn leftovers(pid: u32) -> (Vec<String>, Vec<String>) {
    let filter = format!("label=org.rmtr.pid={pid}");
    let list = |args: &[&str]| {
        let output = docker(args);
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    (
        list(&["ps", "-a", "-q", "--filter", &filter]),
        list(&["network", "ls", "-q", "--filter", &filter]),
    )
}

/// Waits until runner `pid` has `count` containers (a holder and its servers).
fn wait_for_containers(pid: u32, count: usize) {
    let end = Instant::now() + Duration::from_secs(180);
    while leftovers(pid).0.len() < count {
        assert!(Instant::now() < end, "the servers never started");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let end = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() >= end {
            let _ = child.kill();
            panic!("rmtr did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// suite/main and suite/rpl (master and slave containers), each test also
/// on local mariadbd: the matrix shows no difference, and the tests really
/// ran. suite/main holds tests that print connection ids and that kill the
/// server by the pid in its pid file.
#[test]
fn suites_in_containers_give_the_verdicts_of_local_mariadbd() {
    if !containers_available() {
        return;
    }
    let _shared = shared_engine();
    let dir = scratch("rpl");
    let base = dir.join("matrix");
    let servers = format!("mariadbd,{}", container());
    let output = rmtr(&dir.join("var"))
        .args([
            "--cross-check",
            &servers,
            "--suite",
            "main,rpl",
            "--parallel",
            "2",
        ])
        .arg("--cross-check-report")
        .arg(&base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("on 2 servers, 0 differ"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.with_extension("json")).unwrap()).unwrap();
    let container = &json["columns"][1];
    assert!(
        container["server"]
            .as_str()
            .unwrap()
            .starts_with("container:"),
        "{container}"
    );
    let passed = container["verdicts"]
        .as_object()
        .unwrap()
        .values()
        .filter(|v| v["verdict"] == "pass")
        .count();
    assert!(passed >= 70, "only {passed} passed in containers: {stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Ctrl-C while master and slave containers run: the run stops and takes
/// its containers and its network with it.
#[test]
fn ctrl_c_leaves_no_container_and_no_network() {
    if !containers_available() {
        return;
    }
    let _shared = shared_engine();
    let dir = scratch("ctrl-c");
    let mut child = spawn_quiet(rmtr_on(
        &dir.join("var"),
        &container(),
        &["rpl.rpl_parallel_retry", "rpl.rpl_until"],
    ));
    let pid = child.id();
    wait_for_containers(pid, 3);
    assert_eq!(leftovers(pid).1.len(), 1, "one network per worker");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
    let status = wait_exit(&mut child, Duration::from_secs(120));
    assert!(!status.success());
    assert_eq!(leftovers(pid), (Vec::new(), Vec::new()));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A runner killed outright cannot clean up; the next run on this machine
/// removes what it left.
#[test]
fn the_next_run_removes_what_a_killed_runner_left() {
    if !containers_available() {
        return;
    }
    let _alone = RUNS.write().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("killed");
    let mut child = spawn_quiet(rmtr_on(
        &dir.join("var"),
        &container(),
        &["rpl.rpl_parallel_retry"],
    ));
    let pid = child.id();
    wait_for_containers(pid, 3);
    child.kill().unwrap();
    child.wait().unwrap();
    let (containers, networks) = leftovers(pid);
    assert!(containers.len() >= 3 && networks.len() == 1);
    let output = rmtr_on(&dir.join("var2"), &container(), &["rpl.rpl_gtid_basic"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("left by runs that are gone"),
        "{stderr}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(leftovers(pid), (Vec::new(), Vec::new()));
    std::fs::remove_dir_all(dir).unwrap();
}

/// An image the engine lacks and cannot pull is a clear error at once.
#[test]
fn an_image_that_cannot_be_had_says_why() {
    if !containers_available() {
        return;
    }
    let _shared = shared_engine();
    let dir = scratch("no-image");
    let missing = "rmtr-local/no-such-image:0";
    let started = Instant::now();
    let output = rmtr_on(
        &dir.join("var"),
        &format!("container:{missing}"),
        &["rpl.rpl_gtid_basic"],
    )
    .env("RMTR_PULL_TIMEOUT", "60")
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("image {missing} is not on the Docker engine")),
        "{stderr}"
    );
    assert!(stderr.contains("could not be pulled"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(90));
    std::fs::remove_dir_all(dir).unwrap();
}

/// suite/main tests that mean the same on MySQL as on MariaDB: locks and
/// lock waits, stored procedures, multi-statements, results, sleeps, and
/// the server's own shutdown and restart (COM_SHUTDOWN is gone in MySQL
/// 8.0; mysqltest sends the SHUTDOWN statement there).
const MYSQL_NEUTRAL_TESTS: &[&str] = &[
    "main.lock_waits",
    "main.delimiter_procedures",
    "main.multi_statement",
    "main.result_formatting",
    "main.sleep_commands",
    "main.server_restart",
    "main.shutdown_server_paths",
];

/// rmtr running [`MYSQL_NEUTRAL_TESTS`] on `image`.
fn mysql_neutral_run(dir: &Path, image: &str) -> Output {
    rmtr(&dir.join("var"))
        .args(["--server", &format!("container:{image}")])
        .args(MYSQL_NEUTRAL_TESTS)
        .env("RMTR_PULL_TIMEOUT", "600")
        .output()
        .unwrap()
}

/// All of [`MYSQL_NEUTRAL_TESTS`] passed, and the run named MySQL's server.
fn assert_neutral_tests_passed(output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let all = format!("All {} tests were successful", MYSQL_NEUTRAL_TESTS.len());
    assert!(stdout.contains(&all), "{stdout}");
    let named = stdout.lines().next().unwrap_or_default();
    assert!(
        named.contains("mysqld") && !named.contains("MariaDB"),
        "{named}"
    );
}

/// The MySQL image built here bootstraps with `--initialize-insecure`, and
/// its servers run the neutral tests; a test whose result holds MariaDB's
/// messages fails there with MySQL's (so the server really is MySQL).
#[test]
fn a_mysql_image_runs_what_means_the_same_on_mysql() {
    if !images_available(&[(mysql_image(), "ci/build-mysql-image")]) {
        return;
    }
    let _shared = shared_engine();
    let dir = scratch("mysql-image");
    assert_neutral_tests_passed(&mysql_neutral_run(&dir, &mysql_image()));
    let output = rmtr(&dir.join("var2"))
        .args(["--server", &format!("container:{}", mysql_image())])
        .arg("main.error_handling")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("+ERROR 23000: Duplicate entry '1' for key 't1.PRIMARY'"),
        "{stdout}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `mysql:8.0` runs the same tests where a registry gives the image, and
/// says clearly why it cannot run where none does.
#[test]
fn container_mysql_8_0_runs_where_it_can_be_pulled() {
    if !containers_available() {
        return;
    }
    let _shared = shared_engine();
    let dir = scratch("mysql");
    let output = mysql_neutral_run(&dir, "mysql:8.0");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("image mysql:8.0 is not on the Docker engine") {
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("could not be pulled"), "{stderr}");
    } else {
        assert_neutral_tests_passed(&output);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// `DOCKER_HOST` decides which engine is used: here a TCP address that
/// relays to this machine's engine, which sees every call of the run.
#[test]
fn docker_host_names_the_engine() {
    if !containers_available() {
        return;
    }
    let _shared = shared_engine();
    let relay = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = relay.local_addr().unwrap();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&calls);
    std::thread::spawn(move || {
        for client in relay.incoming().flatten() {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let engine = std::os::unix::net::UnixStream::connect("/var/run/docker.sock").unwrap();
            relay_both_ways(client, engine);
        }
    });
    let dir = scratch("docker-host");
    let output = rmtr_on(&dir.join("var"), &container(), &["rpl.rpl_gtid_basic"])
        .env("DOCKER_HOST", format!("tcp://{address}"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(&format!("on tcp://{address}")), "{stdout}");
    assert!(stdout.contains("All 1 tests were successful"), "{stdout}");
    assert!(calls.load(std::sync::atomic::Ordering::SeqCst) > 0);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Copies a TCP connection to the engine's socket and back, in threads.
fn relay_both_ways(client: std::net::TcpStream, engine: std::os::unix::net::UnixStream) {
    let (mut client_in, mut engine_in) = (client.try_clone().unwrap(), engine.try_clone().unwrap());
    let (mut client_out, mut engine_out) = (client, engine);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut engine_out);
        let _ = engine_out.shutdown(std::net::Shutdown::Write);
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut engine_in, &mut client_out);
        let _ = client_out.shutdown(std::net::Shutdown::Write);
    });
}

/// An engine that does not answer is a clear error, not a hang.
#[test]
fn an_engine_that_does_not_answer_says_so() {
    let dir = scratch("no-engine");
    let output = rmtr_on(
        &dir.join("var"),
        "container:mariadb:10.11",
        &["rpl.rpl_gtid_basic"],
    )
    .env("DOCKER_HOST", "tcp://127.0.0.1:1")
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no Docker engine answers at tcp://127.0.0.1:1"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
