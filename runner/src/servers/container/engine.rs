//! The Docker engine as the container backend talks to it directly, for
//! what testcontainers leaves out: whether the engine answers and has the
//! image (or can pull it, within a time limit), a signal to a container
//! without waiting, networks with labels, and the sweep of what earlier runs
//! on this machine left behind. Every call blocks on one shared runtime and
//! has a time limit, so no engine problem hangs a run.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::models::NetworkCreateRequest;
use bollard::query_parameters::{
    CreateImageOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptions,
    ListNetworksOptions, RemoveContainerOptionsBuilder,
};
use futures_util::StreamExt;

/// Label naming the run that made a container or network.
pub const RUN_LABEL: &str = "org.rmtr.run";
/// Label naming the machine whose runner made it.
pub const HOST_LABEL: &str = "org.rmtr.host";
/// Label holding the runner's process id.
pub const PID_LABEL: &str = "org.rmtr.pid";

/// How long a call to the engine may take (a pull has its own limit).
const CALL_LIMIT: Duration = Duration::from_secs(30);

/// The engine of this run, with the labels it puts on what it makes.
pub struct Engine {
    docker: Docker,
    /// Where the engine is, for messages.
    address: String,
    labels: HashMap<String, String>,
}

/// The runtime every engine call blocks on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("rmtr-docker")
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Runs one engine call to its end, or fails after `limit`.
fn block<T>(
    limit: Duration,
    call: impl std::future::Future<Output = Result<T, bollard::errors::Error>>,
) -> anyhow::Result<T> {
    match runtime().block_on(async { tokio::time::timeout(limit, call).await }) {
        Ok(result) => Ok(result?),
        Err(_) => bail!("the Docker engine did not answer within {limit:?}"),
    }
}

impl Engine {
    /// Connects as the Docker client would (`DOCKER_HOST`, else the local
    /// socket) and checks that the engine answers.
    pub fn connect() -> anyhow::Result<Engine> {
        let address =
            std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
        let docker = {
            let _entered = runtime().enter();
            Docker::connect_with_defaults()
                .with_context(|| format!("no Docker engine at {address}"))?
        };
        block(Duration::from_secs(10), docker.ping())
            .with_context(|| format!("no Docker engine answers at {address}"))?;
        let host = hostname();
        let pid = std::process::id().to_string();
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let labels = HashMap::from([
            (RUN_LABEL.to_string(), format!("{host}:{pid}:{started}")),
            (HOST_LABEL.to_string(), host),
            (PID_LABEL.to_string(), pid),
        ]);
        Ok(Engine {
            docker,
            address,
            labels,
        })
    }

    /// Where the engine is (`DOCKER_HOST` or the local socket).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The labels of this run, for everything it creates.
    pub fn labels(&self) -> &HashMap<String, String> {
        &self.labels
    }

    /// This run's label value.
    pub fn run_id(&self) -> &str {
        &self.labels[RUN_LABEL]
    }

    /// Makes sure the engine has `image`: a local image is used as it is;
    /// otherwise it is pulled, and a pull that fails or takes longer than
    /// `pull_limit` is an error that says so.
    pub fn ensure_image(&self, image: &str, pull_limit: Duration) -> anyhow::Result<()> {
        if block(CALL_LIMIT, self.docker.inspect_image(image)).is_ok() {
            return Ok(());
        }
        let (name, tag) = split_image(image);
        let options = CreateImageOptionsBuilder::new()
            .from_image(name)
            .tag(tag)
            .build();
        let pull = async {
            let mut progress = self.docker.create_image(Some(options), None, None);
            while let Some(step) = progress.next().await {
                step?;
            }
            Ok(())
        };
        block(pull_limit, pull).with_context(|| {
            format!(
                "image {image} is not on the Docker engine at {} and could not be pulled \
                 within {pull_limit:?}; make a registry reachable, or build the image locally \
                 (ci/build-mariadb-image builds MariaDB 10.11 from Debian's packages)",
                self.address
            )
        })
    }

    /// Sends `signal` to a container and returns at once.
    pub fn signal(&self, id: &str, signal: &str) -> anyhow::Result<()> {
        let options = KillContainerOptionsBuilder::new().signal(signal).build();
        block(CALL_LIMIT, self.docker.kill_container(id, Some(options)))
    }

    /// Creates a bridge network carrying this run's labels.
    pub fn create_network(&self, name: &str) -> anyhow::Result<()> {
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(self.labels.clone()),
            ..Default::default()
        };
        block(CALL_LIMIT, self.docker.create_network(request))
            .with_context(|| format!("creating network {name}"))?;
        Ok(())
    }

    /// Removes a network (its containers must be gone).
    pub fn remove_network(&self, name: &str) -> anyhow::Result<()> {
        block(CALL_LIMIT, self.docker.remove_network(name))
            .with_context(|| format!("removing network {name}"))
    }

    /// Removes a container, running or not.
    pub fn remove_container(&self, id: &str) -> anyhow::Result<()> {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        block(CALL_LIMIT, self.docker.remove_container(id, Some(options)))
    }

    /// Containers and networks carrying `label=value`, by id.
    pub fn labelled(&self, label: &str, value: &str) -> anyhow::Result<Leftovers> {
        let filters = HashMap::from([("label".to_string(), vec![format!("{label}={value}")])]);
        let containers = block(
            CALL_LIMIT,
            self.docker.list_containers(Some(ListContainersOptions {
                all: true,
                filters: Some(filters.clone()),
                ..Default::default()
            })),
        )?;
        let networks = block(
            CALL_LIMIT,
            self.docker.list_networks(Some(ListNetworksOptions {
                filters: Some(filters),
            })),
        )?;
        Ok(Leftovers {
            containers: containers
                .into_iter()
                .filter_map(|c| Some((c.id?, c.labels.unwrap_or_default())))
                .collect(),
            networks: networks
                .into_iter()
                .filter_map(|n| Some((n.name?, n.labels.unwrap_or_default())))
                .collect(),
        })
    }

    /// Removes what runs of this machine whose runner is gone left behind
    /// (a runner killed outright cannot clean up after itself); returns how
    /// many containers and networks went.
    pub fn sweep_dead_runs(&self) -> anyhow::Result<(usize, usize)> {
        let found = self.labelled(HOST_LABEL, &self.labels[HOST_LABEL])?;
        let dead = |labels: &HashMap<String, String>| {
            labels
                .get(PID_LABEL)
                .and_then(|p| p.parse::<i32>().ok())
                .is_some_and(|pid| !process_alive(pid))
        };
        let mut removed = (0, 0);
        for (id, _) in found.containers.iter().filter(|(_, l)| dead(l)) {
            if self.remove_container(id).is_ok() {
                removed.0 += 1;
            }
        }
        for (name, _) in found.networks.iter().filter(|(_, l)| dead(l)) {
            if self.remove_network(name).is_ok() {
                removed.1 += 1;
            }
        }
        Ok(removed)
    }
}

/// Containers (id) and networks (name) found by label, with their labels.
#[derive(Debug, Default)]
pub struct Leftovers {
    pub containers: Vec<(String, HashMap<String, String>)>,
    pub networks: Vec<(String, HashMap<String, String>)>,
}

/// `mysql:8.0` → (`mysql`, `8.0`); a name without a tag means `latest`. A
/// registry with a port (`host:5000/x`) is not mistaken for a tag.
pub fn split_image(image: &str) -> (&str, &str) {
    match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    }
}

/// Whether a process of this machine still exists.
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let gone = unsafe { libc::kill(pid, 0) } != 0
        && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
    !gone
}

/// This machine's name, which tells our leftovers from another machine's on
/// a shared engine.
fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname terminates it
    // or truncates.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ok && len > 0 {
        String::from_utf8_lossy(&buf[..len]).into_owned()
    } else {
        "unknown-host".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_split_into_name_and_tag() {
        assert_eq!(split_image("mysql:8.0"), ("mysql", "8.0"));
        assert_eq!(
            split_image("rmtr-local/mariadb:10.11"),
            ("rmtr-local/mariadb", "10.11")
        );
        assert_eq!(split_image("mariadb"), ("mariadb", "latest"));
        assert_eq!(
            split_image("registry:5000/mariadb"),
            ("registry:5000/mariadb", "latest")
        );
    }

    #[test]
    fn only_processes_that_are_gone_count_as_dead() {
        assert!(process_alive(std::process::id() as i32));
        assert!(!process_alive(i32::MAX - 1));
    }
}
