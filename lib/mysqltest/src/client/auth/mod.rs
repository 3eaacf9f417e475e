//! Authentication: the client library's exchange (`exchange`), the channel
//! plugins talk through (`vio`), the plugins themselves (`plugins`) and the
//! pre-4.1 password scheme (`old_password`). Callers hand in a `PacketIo`
//! and a function that sends the first answer; they get the final OK.

mod exchange;
mod old_password;
mod plugins;
mod vio;

pub(crate) use exchange::{AuthRequest, Authenticated, authenticate};
pub(crate) use plugins::NATIVE_PASSWORD;
pub(crate) use vio::{FirstWrite, PacketIo};
