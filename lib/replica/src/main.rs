//! The `replica` binary: reads its options and serves clients until shut down.

fn main() -> anyhow::Result<()> {
    anyhow::bail!("replica: the protocol layer is not built yet")
}
