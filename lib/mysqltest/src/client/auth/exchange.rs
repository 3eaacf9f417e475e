//! One authentication as the client library runs it: pick the first plugin
//! (the default one asked for, else the one the greeting named, else
//! mysql_native_password), let it talk, then read the server's verdict. OK
//! ends the exchange, ERR fails it, and a switch request starts the named
//! plugin with the data that came along (a bare switch means the pre-4.1
//! scheme with the known nonce). Packets move through a `PacketIo`, so the
//! handshake, COM_CHANGE_USER and scripted servers in tests share this code.

use mysql_common::constants::CapabilityFlags;

use super::super::error::ClientError;
use super::super::packets::{self, ERR_HEADER, OK_HEADER};
use super::super::response::OkInfo;
use super::plugins::{self, NATIVE_PASSWORD, OLD_PASSWORD, Outcome, Plugin};
use super::vio::{FirstWrite, PacketIo, SWITCH_HEADER, Vio};

/// What an authentication starts from.
#[derive(Debug, Clone)]
pub(crate) struct AuthRequest<'a> {
    /// The plugin the greeting named and the data (nonce) it sent for it;
    /// `None` for COM_CHANGE_USER, where the client speaks first.
    pub greeting: Option<(&'a str, &'a [u8])>,
    /// The plugin asked for with `default_auth`.
    pub default_auth: Option<&'a str>,
    /// The only plugins allowed, if restricted (`auth=`); matched as substrings.
    pub restricted_auth: Option<&'a str>,
    /// The server speaks CLIENT_PLUGIN_AUTH.
    pub plugin_auth: bool,
    /// Password bytes.
    pub password: &'a [u8],
    /// The latest 20-byte nonce.
    pub scramble: &'a [u8],
    /// The connection is a Unix socket.
    pub secure: bool,
    /// Client plugin directory, named in "could not be loaded" errors.
    pub plugin_dir: &'a str,
    /// Negotiated capabilities, for reading the final OK.
    pub caps: CapabilityFlags,
}

/// A successful authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authenticated {
    /// The server's final OK.
    pub ok: OkInfo,
    /// The nonce last seen (COM_CHANGE_USER answers it).
    pub scramble: Vec<u8>,
}

/// Runs the exchange; `first_write` sends the first answer.
pub(crate) fn authenticate<'a>(
    io: &'a mut dyn PacketIo,
    first_write: &'a mut FirstWrite<'a>,
    req: &AuthRequest<'_>,
) -> Result<Authenticated, ClientError> {
    let first = first_plugin(req);
    let mut name = first.to_string();
    let mut plugin = Plugin::find(first).unwrap_or(Plugin::Fallback);
    let mut vio = Vio::new(io, first_write);
    vio.scramble = req.scramble.to_vec();
    vio.secure = req.secure;
    vio.plugin_dir = req.plugin_dir.to_string();
    vio.change_user = req.greeting.is_none();
    vio.cached = req
        .greeting
        .filter(|(greeting_plugin, _)| *greeting_plugin == first)
        .map(|(_, data)| data.to_vec());
    loop {
        check_allowed(req.restricted_auth, &name)?;
        let verdict = take_turn(&plugin, &mut vio, req.password)?;
        match verdict.first() {
            Some(&SWITCH_HEADER) => (plugin, name) = switch(&mut vio, &verdict),
            Some(&OK_HEADER) => {
                return Ok(Authenticated {
                    ok: packets::parse_ok(&verdict, req.caps)?,
                    scramble: vio.scramble,
                });
            }
            Some(&ERR_HEADER) => return Err(packets::parse_err(&verdict)?),
            _ => return Err(ClientError::malformed()),
        }
    }
}

/// The default plugin if asked for (and the server has plugins), else the
/// greeting's, else mysql_native_password.
fn first_plugin<'a>(req: &AuthRequest<'a>) -> &'a str {
    let named = req.default_auth.or(req.greeting.map(|(plugin, _)| plugin));
    match named {
        Some(name) if req.plugin_auth => name,
        _ => NATIVE_PASSWORD,
    }
}

/// Refuses a plugin missing from the `auth=` list.
fn check_allowed(restricted: Option<&str>, name: &str) -> Result<(), ClientError> {
    match restricted {
        Some(list) if !list.contains(name) => Err(ClientError::plugin_not_allowed(name)),
        _ => Ok(()),
    }
}

/// Lets `plugin` talk and returns the server's verdict packet.
fn take_turn(plugin: &Plugin, vio: &mut Vio<'_>, password: &[u8]) -> Result<Vec<u8>, ClientError> {
    vio.plugin = plugin.name().to_string();
    vio.last_read = None;
    match plugin.run(vio, password) {
        Ok(Outcome::Ok) => {
            let verdict = vio.read_raw()?;
            if verdict.first() == Some(&ERR_HEADER) {
                return Err(packets::parse_err(&verdict)?);
            }
            Ok(verdict)
        }
        Ok(Outcome::HandshakeComplete) => vio.last_read.take().ok_or_else(ClientError::malformed),
        Err(_) if vio.switched() => vio.last_read.take().ok_or_else(ClientError::malformed),
        Err(err) => Err(err),
    }
}

/// Handles a switch request: the named plugin (or the fallback, with the
/// library's "could not be loaded" error pending) gets the data sent along.
fn switch(vio: &mut Vio<'_>, request: &[u8]) -> (Plugin, String) {
    let (name, data) = match request {
        [_] => {
            let mut nonce = vio.scramble.clone();
            nonce.push(0);
            (OLD_PASSWORD.to_string(), nonce)
        }
        [_, body @ ..] => {
            let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
            let data = body.get(end + 1..).unwrap_or_default().to_vec();
            (String::from_utf8_lossy(&body[..end]).into_owned(), data)
        }
        [] => (String::new(), Vec::new()),
    };
    vio.cached = Some(data);
    let plugin = Plugin::find(&name).unwrap_or_else(|| {
        vio.error = Some(plugins::cannot_load(&name, &vio.plugin_dir));
        Plugin::Fallback
    });
    (plugin, name)
}

#[cfg(test)]
mod tests {
    use super::super::old_password;
    use super::*;
    use mysql_common::auth::plugins::caching_sha2_password::scramble_sha256;
    use mysql_common::auth::plugins::mysql_native_password::scramble_native;
    use std::collections::VecDeque;

    /// A scripted server: hands out `replies` and records what the client wrote.
    #[derive(Debug, Default)]
    struct Script {
        replies: VecDeque<Vec<u8>>,
        written: Vec<Vec<u8>>,
        commands: usize,
    }

    impl PacketIo for Script {
        fn read(&mut self) -> Result<Vec<u8>, ClientError> {
            self.replies
                .pop_front()
                .ok_or_else(ClientError::server_lost)
        }
        fn write(&mut self, payload: &[u8]) -> Result<(), ClientError> {
            self.written.push(payload.to_vec());
            Ok(())
        }
        fn start_command(&mut self) {
            self.commands += 1;
        }
    }

    fn script(replies: &[&[u8]]) -> Script {
        Script {
            replies: replies.iter().map(|r| r.to_vec()).collect(),
            ..Script::default()
        }
    }

    const NONCE: &[u8; 20] = b"abcdefghijklmnopqrst";
    const NONCE_NUL: &[u8; 21] = b"abcdefghijklmnopqrst\0";
    const OK: &[u8] = b"\x00\x00\x00\x02\x00\x00\x00";
    const DENIED: &[u8] = b"\xff\x15\x04#28000Access denied";

    /// A request as the handshake makes it.
    fn request<'a>(plugin: &'a str, password: &'a [u8]) -> AuthRequest<'a> {
        AuthRequest {
            greeting: Some((plugin, NONCE_NUL)),
            default_auth: None,
            restricted_auth: None,
            plugin_auth: true,
            password,
            scramble: NONCE,
            secure: false,
            plugin_dir: "/plugins",
            caps: CapabilityFlags::CLIENT_PROTOCOL_41,
        }
    }

    /// Runs an exchange; the first answer is recorded as `[plugin name, 0, data]`.
    fn run(io: &mut Script, req: &AuthRequest<'_>) -> Result<Authenticated, ClientError> {
        let mut first = |io: &mut dyn PacketIo, data: &[u8], plugin: &str| {
            io.write(&[plugin.as_bytes(), &[0], data].concat())
        };
        authenticate(io, &mut first, req)
    }

    /// The first answer's plugin name and data.
    fn first_answer(io: &Script) -> (String, Vec<u8>) {
        let packet = &io.written[0];
        let end = packet.iter().position(|&b| b == 0).unwrap();
        (
            String::from_utf8_lossy(&packet[..end]).into_owned(),
            packet[end + 1..].to_vec(),
        )
    }

    #[test]
    fn native_answers_the_greeting_and_ok_ends_it() {
        let mut io = script(&[OK]);
        let done = run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap();
        assert_eq!(done.ok.status_flags, 2);
        let expected = scramble_native(NONCE, b"pw").unwrap().to_vec();
        assert_eq!(first_answer(&io), (NATIVE_PASSWORD.into(), expected));
    }

    #[test]
    fn empty_passwords_send_empty_answers() {
        let mut io = script(&[OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"")).unwrap();
        assert_eq!(first_answer(&io).1, b"");
    }

    #[test]
    fn err_fails_with_the_servers_error() {
        let err = run(&mut script(&[DENIED]), &request(NATIVE_PASSWORD, b"")).unwrap_err();
        assert_eq!((err.code(), err.sqlstate()), (1045, "28000"));
    }

    #[test]
    fn switch_answers_with_the_new_plugin_and_nonce() {
        let mut switch = b"\xfemysql_native_password\0".to_vec();
        switch.extend_from_slice(b"ABCDEFGHIJKLMNOPQRST\0");
        let mut io = script(&[&switch, OK]);
        let done = run(&mut io, &request("caching_sha2_password", b"pw")).unwrap();
        let expected = scramble_native(b"ABCDEFGHIJKLMNOPQRST", b"pw").unwrap();
        assert_eq!(io.written[1], expected.to_vec());
        assert_eq!(done.scramble, b"ABCDEFGHIJKLMNOPQRST");
    }

    #[test]
    fn a_bare_switch_means_the_old_scheme_with_the_known_nonce() {
        let mut io = script(&[b"\xfe", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"oldpw")).unwrap();
        let expected = [&old_password::scramble(NONCE, b"oldpw")[..], &[0]].concat();
        assert_eq!(io.written[1], expected);
        assert_eq!(io.written[1].len(), 9);
    }

    #[test]
    fn old_password_switch_with_data_uses_its_nonce() {
        let mut io = script(&[b"\xfemysql_old_password\0ZYXWVUTSRQPONMLKJIHG\0", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap();
        let expected = [&old_password::scramble(b"ZYXWVUTS", b"pw")[..], &[0]].concat();
        assert_eq!(io.written[1], expected);
    }

    #[test]
    fn test_plugin_answers_a_password_question() {
        let mut io = script(&[b"\xfeauth_test_plugin\0\x04", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"plug_dest")).unwrap();
        assert_eq!(io.written[1], b"plug_dest\0");
        assert_eq!(io.written.len(), 2);
    }

    #[test]
    fn test_plugin_goes_on_after_a_last_password_question() {
        let mut io = script(&[b"\xfeqa_auth_client\0\x05", OK]);
        let done = run(&mut io, &request(NATIVE_PASSWORD, b"pw"));
        assert!(done.is_ok());
        assert_eq!(io.written[1], b"pw\0");
    }

    #[test]
    fn test_plugin_refuses_other_questions() {
        let err = run(
            &mut script(&[b"\xfeauth_test_plugin\0\x02Name:"]),
            &request(NATIVE_PASSWORD, b"pw"),
        )
        .unwrap_err();
        assert_eq!(err.code(), 2000);
    }

    #[test]
    fn test_plugin_as_default_speaks_first_with_an_empty_answer() {
        let mut io = script(&[b"\x04", OK]);
        let mut req = request(NATIVE_PASSWORD, b"pw");
        req.default_auth = Some("auth_test_plugin");
        run(&mut io, &req).unwrap();
        assert_eq!(first_answer(&io), ("auth_test_plugin".into(), Vec::new()));
        assert_eq!(io.written[1], b"pw\0");
    }

    #[test]
    fn clear_password_sends_the_password_without_reading() {
        let mut io = script(&[b"\xfemysql_clear_password\0", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"secret")).unwrap();
        assert_eq!(io.written[1], b"secret\0");
    }

    #[test]
    fn dialog_gives_the_password_to_a_first_password_question() {
        let mut io = script(&[b"\xfedialog\0\x05Password: ", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap();
        assert_eq!(io.written[1], b"pw\0");
    }

    #[test]
    fn dialog_goes_on_until_the_last_question() {
        let mut io = script(&[
            b"\xfedialog\0\x04Password, please:",
            b"\x03Are you sure ?",
            OK,
        ]);
        run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap();
        assert_eq!(io.written[1], b"pw\0");
        assert_eq!(io.written[2], b"\0");
    }

    #[test]
    fn dialog_answers_later_questions_as_an_empty_input_would() {
        let mut io = script(&[b"\xfedialog\0\x02Name: ", b"\x01\x05Password: ", OK]);
        run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap();
        assert_eq!(io.written[1], b"\0");
        assert_eq!(io.written[2], b"\0");
    }

    #[test]
    fn an_unknown_default_plugin_falls_back_quietly() {
        let mut switch = b"\xfemysql_native_password\0".to_vec();
        switch.extend_from_slice(NONCE_NUL);
        let mut io = script(&[&switch, OK]);
        let mut req = request(NATIVE_PASSWORD, b"pw");
        req.default_auth = Some("wrong_plugin_name");
        run(&mut io, &req).unwrap();
        assert_eq!(
            first_answer(&io),
            ("dummy_fallback_auth".into(), Vec::new())
        );
    }

    #[test]
    fn an_unknown_switch_keeps_the_servers_code_and_the_load_error_text() {
        let mut io = script(&[
            b"\xfeclient_ed25519\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            DENIED,
        ]);
        let err = run(&mut io, &request(NATIVE_PASSWORD, b"pw")).unwrap_err();
        assert_eq!((err.code(), err.sqlstate()), (1045, "28000"));
        assert_eq!(
            err.message(),
            b"Plugin client_ed25519 could not be loaded: /plugins/client_ed25519.so: cannot open shared object file: No such file or directory"
        );
        assert_eq!(io.written[1], b"");
    }

    #[test]
    fn restricted_auth_refuses_plugins_not_listed() {
        let mut req = request(NATIVE_PASSWORD, b"pw");
        req.restricted_auth = Some("mysql_native_password");
        assert!(run(&mut script(&[OK]), &req).is_ok());
        let err = run(&mut script(&[b"\xfedialog\0\x04Password: "]), &req).unwrap_err();
        assert_eq!(err.code(), 5010);
        assert_eq!(
            err.message(),
            b"Authentication plugin 'dialog' couldn't be found in restricted_auth plugin list."
        );
        req.restricted_auth = Some("dialog");
        assert_eq!(run(&mut script(&[]), &req).unwrap_err().code(), 5010);
    }

    #[test]
    fn change_user_speaks_first_with_the_known_nonce() {
        let mut io = script(&[b"\xfe", OK]);
        let mut req = request(NATIVE_PASSWORD, b"pw");
        req.greeting = None;
        run(&mut io, &req).unwrap();
        let expected = scramble_native(NONCE, b"pw").unwrap().to_vec();
        assert_eq!(first_answer(&io), (NATIVE_PASSWORD.into(), expected));
        let old = [&old_password::scramble(NONCE, b"pw")[..], &[0]].concat();
        assert_eq!(io.written[1], old);
    }

    /// A server's RSA public key (1024 bits), as the key request gets it.
    const PUBLIC_KEY: &[u8] = b"\x01-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDXUypb47PHYWFCgDmYXd0scktw
U7vAt4L/Nb11BJyN2qVhq4oYHbi5UIfD6Q/ZKfdWRQ1nphX6H5aYmwxaaskealyA
3p+mjXARHWvcLy0KOJEt7abH/v3PToIXQljV61t8TebZ1vlZ63Html/VlvOFM0V/
7WpNmQKKpuPdD4bDIwIDAQAB
-----END PUBLIC KEY-----
";
    const FRESH: &[u8; 20] = b"ABCDEFGHIJKLMNOPQRST";

    /// A COM_CHANGE_USER request (the client speaks first with `NONCE`).
    fn change_user_request(password: &[u8]) -> AuthRequest<'_> {
        AuthRequest {
            greeting: None,
            ..request(NATIVE_PASSWORD, password)
        }
    }

    /// A switch request to `plugin` carrying the fresh nonce.
    fn switch_with_fresh_nonce(plugin: &str) -> Vec<u8> {
        [&[SWITCH_HEADER], plugin.as_bytes(), b"\0", FRESH, b"\0"].concat()
    }

    #[test]
    fn change_user_switched_to_caching_sha2_scrambles_the_switchs_nonce() {
        // MySQL 9 answers COM_CHANGE_USER for a caching_sha2 account with a
        // switch request and a fresh nonce; the known one no longer counts.
        let switch = switch_with_fresh_nonce("caching_sha2_password");
        let mut io = script(&[&switch, b"\x01\x03", OK]);
        let done = run(&mut io, &change_user_request(b"pw")).unwrap();
        let native = scramble_native(NONCE, b"pw").unwrap().to_vec();
        assert_eq!(first_answer(&io), (NATIVE_PASSWORD.into(), native));
        assert_eq!(io.written[1], scramble_sha256(FRESH, b"pw").unwrap());
        assert_eq!(io.written.len(), 2);
        assert_eq!(done.scramble, FRESH);
    }

    #[test]
    fn change_user_full_auth_over_tcp_sends_the_password_sealed_with_the_key() {
        let switch = switch_with_fresh_nonce("caching_sha2_password");
        let mut io = script(&[&switch, b"\x01\x04", PUBLIC_KEY, OK]);
        let done = run(&mut io, &change_user_request(b"pw")).unwrap();
        assert_eq!(io.written[1], scramble_sha256(FRESH, b"pw").unwrap());
        assert_eq!(io.written[2], vec![2]);
        assert_eq!(io.written[3].len(), 128);
        assert_eq!(done.ok.status_flags, 2);
        let switch = switch_with_fresh_nonce("sha256_password");
        let mut io = script(&[&switch, PUBLIC_KEY, OK]);
        run(&mut io, &change_user_request(b"pw")).unwrap();
        assert_eq!(io.written[1], vec![1]);
        assert_eq!(io.written[2].len(), 128);
    }

    #[test]
    fn change_user_with_caching_sha2_as_default_reads_the_nonce_first() {
        let switch = switch_with_fresh_nonce("caching_sha2_password");
        let mut io = script(&[&switch, b"\x01\x03", OK]);
        let mut req = change_user_request(b"pw");
        req.default_auth = Some("caching_sha2_password");
        run(&mut io, &req).unwrap();
        assert_eq!(
            first_answer(&io),
            ("caching_sha2_password".into(), Vec::new())
        );
        assert_eq!(io.written[1], scramble_sha256(FRESH, b"pw").unwrap());
    }

    #[test]
    fn caching_sha2_fast_path_and_full_auth() {
        let mut io = script(&[b"\x01\x03", OK]);
        run(&mut io, &request("caching_sha2_password", b"pw")).unwrap();
        assert_eq!(io.written.len(), 1);
        let mut io = script(&[b"\x01\x04", OK]);
        let mut req = request("caching_sha2_password", b"pw");
        req.secure = true;
        run(&mut io, &req).unwrap();
        assert_eq!(io.written[1], b"pw\0");
    }

    #[test]
    fn caching_sha2_over_tcp_asks_for_the_key() {
        let mut io = script(&[b"\x01\x04", b"\x01-----BEGIN PUBLIC KEY-----\nnope\n"]);
        let err = run(&mut io, &request("caching_sha2_password", b"pw")).unwrap_err();
        assert_eq!(io.written[1], vec![2]);
        assert_eq!(err.code(), 2059);
    }

    #[test]
    fn bad_nonces_and_unexpected_packets() {
        let mut req = request(NATIVE_PASSWORD, b"pw");
        req.greeting = Some((NATIVE_PASSWORD, b"short"));
        assert_eq!(run(&mut script(&[]), &req).unwrap_err().code(), 2012);
        let err = run(&mut script(&[b"\x07"]), &request(NATIVE_PASSWORD, b"pw")).unwrap_err();
        assert_eq!(err.code(), 2027);
        let err = run(&mut script(&[]), &request(NATIVE_PASSWORD, b"pw")).unwrap_err();
        assert_eq!(err.code(), 2013);
    }
}
