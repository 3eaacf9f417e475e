//! One worker's network: a user-defined bridge network and a small
//! container on it that holds a network namespace for all the worker's
//! servers and publishes the worker's ports on the host's 127.0.0.1, each
//! under its own number. The servers join that namespace, so a slave
//! reaches its master at `127.0.0.1:$MASTER_MYPORT` exactly as upstream's
//! include files say, and the runner reaches every server at the same
//! address from outside: the holder runs rmtr's port forwarder
//! ([`super::forward`]), which relays the published ports to loopback. The
//! holder lives as long as a server of the worker does; dropping it waits
//! for the reaper to remove the servers, then removes the holder, then the
//! network.

use std::ops::Range;
use std::sync::Arc;

use anyhow::Context;
use testcontainers::bollard::models::{HostConfig, PortBinding};
use testcontainers::core::{AccessMode, IntoContainerPort, Mount, WaitFor};
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, GenericImage, ImageExt};

use super::engine::{Engine, split_image};
use super::forward;
use super::server::ContainerReaper;

/// Where the forwarder binary is mounted in the holder.
const FORWARDER: &str = "/rmtr-port-forwarder";

/// A worker's network namespace.
pub struct Holder {
    engine: Arc<Engine>,
    /// Where the worker's server containers go to be removed.
    reaper: Arc<ContainerReaper>,
    network: String,
    container: Option<Container<GenericImage>>,
}

impl Holder {
    /// Creates the network and starts the holder from `image` (the server
    /// image: it brings the C library the forwarder, this very binary, needs).
    pub fn start(
        engine: Arc<Engine>,
        reaper: Arc<ContainerReaper>,
        image: &str,
        ports: Range<u16>,
    ) -> anyhow::Result<Holder> {
        let network = network_name(engine.run_id(), ports.start);
        engine.create_network(&network)?;
        let mut holder = Holder {
            engine,
            reaper,
            network,
            container: None,
        };
        let (name, tag) = split_image(image);
        let exe = std::env::current_exe().context("finding rmtr's own binary")?;
        let exe = exe.display().to_string();
        let mut request = GenericImage::new(name, tag)
            .with_entrypoint(FORWARDER)
            .with_wait_for(WaitFor::message_on_stdout(forward::READY))
            .with_cmd([forward::SWITCH.to_string(), forward::range_argument(&ports)])
            .with_mount(Mount::bind_mount(exe, FORWARDER).with_access_mode(AccessMode::ReadOnly))
            .with_startup_timeout(std::time::Duration::from_secs(60))
            .with_network(holder.network.clone())
            .with_labels(holder.engine.labels().clone())
            .with_host_config_modifier(publish_on_loopback(ports.clone()));
        for port in ports.clone() {
            request = request.with_mapped_port(port, port.tcp());
        }
        let container = request.start().with_context(|| {
            format!(
                "starting the network holder for ports {}..{} on network {}",
                ports.start, ports.end, holder.network
            )
        })?;
        holder.container = Some(container);
        Ok(holder)
    }

    /// `container:ID`: the network mode of a server that joins this namespace.
    pub fn network_mode(&self) -> String {
        let id = self.container.as_ref().map_or("", |c| c.id());
        format!("container:{id}")
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        // The servers in this namespace go first.
        if !self.reaper.wait_idle(std::time::Duration::from_secs(60)) {
            eprintln!("rmtr: server containers were still being removed after 60 s");
        }
        drop(self.container.take());
        if let Err(err) = self.engine.remove_network(&self.network) {
            eprintln!("rmtr: {err:#}");
        }
    }
}

/// A network name unique to the run and the worker's block.
fn network_name(run_id: &str, first_port: u16) -> String {
    let run: String = run_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("rmtr-{run}-{first_port}")
}

/// Publishes each port under its own number, on 127.0.0.1 only, as the
/// runner's local servers listen: nobody else reaches a test server.
fn publish_on_loopback(ports: Range<u16>) -> impl Fn(&mut HostConfig) + Send + Sync + 'static {
    move |config: &mut HostConfig| {
        let bindings = ports
            .clone()
            .map(|port| {
                let binding = PortBinding {
                    host_ip: Some("127.0.0.1".into()),
                    host_port: Some(port.to_string()),
                };
                (format!("{port}/tcp"), Some(vec![binding]))
            })
            .collect();
        config.port_bindings = Some(bindings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_names_are_docker_safe_and_per_worker() {
        let a = network_name("host.x:12:34", 16000);
        let b = network_name("host.x:12:34", 16020);
        assert_eq!(a, "rmtr-host-x-12-34-16000");
        assert_ne!(a, b);
    }

    #[test]
    fn every_port_is_published_on_loopback_under_its_own_number() {
        let mut config = HostConfig::default();
        publish_on_loopback(16000..16003)(&mut config);
        let bindings = config.port_bindings.unwrap();
        assert_eq!(bindings.len(), 3);
        let binding = &bindings["16001/tcp"].as_ref().unwrap()[0];
        assert_eq!(binding.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(binding.host_port.as_deref(), Some("16001"));
    }
}
