//! The text of `SET DEBUG_SYNC = '…'` parsed into a request: RESET, a point
//! to TEST or CLEAR, or the action to arm at a point. Tokens are separated
//! by white space and keywords read case-insensitively; a bad text fails
//! with MariaDB's 1064 message naming the offending token.

use crate::error::ServerError;

/// What one `SET DEBUG_SYNC` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Forget this thread's actions and every signal.
    Reset,
    /// Run the point's action as if it were hit.
    Test(String),
    /// Disarm the point.
    Clear(String),
    /// Arm the point (`now` runs at once).
    Arm(Action),
}

/// An action armed at a point, with MariaDB's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub point: String,
    /// Signals to emit, comma separated (`SIGNAL a,b`); empty for none.
    pub signal: String,
    /// The signal to wait for; empty for none.
    pub wait_for: String,
    /// Seconds to wait; None takes the server's --debug-sync-timeout.
    pub timeout: Option<u64>,
    /// Whether a successful wait removes the signal (no NO_CLEAR_EVENT).
    pub clear_event: bool,
    /// How many more hits signal and wait.
    pub execute: u64,
    /// The hit that kills the query; 0 for none.
    pub hit_limit: u64,
}

impl Action {
    /// The hits left before the point disarms itself.
    pub fn activations(&self) -> u64 {
        self.execute.max(self.hit_limit)
    }
}

/// Parses the assigned text.
pub fn parse(text: &str) -> Result<Request, ServerError> {
    let mut tokens = text.split_whitespace();
    let Some(point) = tokens.next() else {
        return Err(syntax("Missing synchronization point name"));
    };
    let Some(word) = tokens.next() else {
        if point.eq_ignore_ascii_case("RESET") {
            return Ok(Request::Reset);
        }
        return Err(syntax(&format!(
            "Missing action after synchronization point name '{}'",
            clipped(point)
        )));
    };
    let rest: Vec<&str> = tokens.collect();
    if word.eq_ignore_ascii_case("TEST") || word.eq_ignore_ascii_case("CLEAR") {
        return alone(point, word, &rest);
    }
    ActionParser::new(point, word, rest)
        .parse()
        .map(Request::Arm)
}

/// TEST or CLEAR, which nothing may follow.
fn alone(point: &str, word: &str, rest: &[&str]) -> Result<Request, ServerError> {
    let upper = word.to_ascii_uppercase();
    if !rest.is_empty() {
        return Err(syntax(&format!("Nothing must follow action {upper}")));
    }
    Ok(match upper.as_str() {
        "TEST" => Request::Test(point.to_string()),
        _ => Request::Clear(point.to_string()),
    })
}

/// Reads `[SIGNAL s] [WAIT_FOR s [TIMEOUT n] [NO_CLEAR_EVENT]] [EXECUTE n] [HIT_LIMIT n]` in that order.
struct ActionParser<'a> {
    action: Action,
    current: Option<&'a str>,
    rest: std::vec::IntoIter<&'a str>,
}

impl<'a> ActionParser<'a> {
    fn new(point: &str, first: &'a str, rest: Vec<&'a str>) -> Self {
        ActionParser {
            action: Action {
                point: point.to_string(),
                signal: String::new(),
                wait_for: String::new(),
                timeout: None,
                clear_event: true,
                execute: 0,
                hit_limit: 0,
            },
            current: Some(first),
            rest: rest.into_iter(),
        }
    }

    fn parse(mut self) -> Result<Action, ServerError> {
        if self.at("SIGNAL") {
            self.action.signal = self.name("SIGNAL")?;
            self.action.execute = 1;
        }
        if self.at("WAIT_FOR") {
            self.action.wait_for = self.name("WAIT_FOR")?;
            self.action.execute = 1;
            if self.at("TIMEOUT") {
                self.action.timeout = Some(self.number("TIMEOUT")?);
            }
            if self.at("NO_CLEAR_EVENT") {
                self.action.clear_event = false;
                self.advance();
            }
        }
        if self.at("EXECUTE") {
            if self.action.execute == 0 {
                return Err(syntax("Missing action before EXECUTE"));
            }
            self.action.execute = self.number("EXECUTE")?;
        }
        if self.at("HIT_LIMIT") {
            self.action.hit_limit = self.number("HIT_LIMIT")?;
        }
        match self.current {
            None => Ok(self.action),
            Some(stray) => Err(syntax(&format!(
                "Illegal or out of order stuff: '{}'",
                clipped(stray)
            ))),
        }
    }

    fn at(&self, keyword: &str) -> bool {
        self.current
            .is_some_and(|t| t.eq_ignore_ascii_case(keyword))
    }

    fn advance(&mut self) -> Option<&'a str> {
        self.current = self.rest.next();
        self.current
    }

    /// The signal name after SIGNAL or WAIT_FOR; moves past it.
    fn name(&mut self, after: &str) -> Result<String, ServerError> {
        let name = self
            .advance()
            .ok_or_else(|| syntax(&format!("Missing signal name after action {after}")))?;
        self.advance();
        Ok(name.to_string())
    }

    /// The decimal number after TIMEOUT, EXECUTE or HIT_LIMIT; moves past it.
    fn number(&mut self, after: &str) -> Result<u64, ServerError> {
        let value = self.advance().and_then(decimal);
        let value = value.ok_or_else(|| syntax(&format!("Missing valid number after {after}")))?;
        self.advance();
        Ok(value)
    }
}

/// A whole token read as strtoul reads base 10 (saturating, as it clamps).
fn decimal(token: &str) -> Option<u64> {
    let digits = token.strip_prefix('+').unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// MariaDB names at most 64 bytes of a token in its messages.
fn clipped(token: &str) -> &str {
    let mut end = token.len().min(64);
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    &token[..end]
}

/// ER_PARSE_ERROR with debug_sync's own message.
fn syntax(message: &str) -> ServerError {
    ServerError::new(1064, "42000", message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn armed(text: &str) -> Action {
        match parse(text) {
            Ok(Request::Arm(action)) => action,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn full_action_reads_every_part() {
        let a = armed("p0 SIGNAL s1 WAIT_FOR s2 TIMEOUT 6 EXECUTE 2 HIT_LIMIT 3");
        assert_eq!(
            (a.point.as_str(), a.signal.as_str(), a.wait_for.as_str()),
            ("p0", "s1", "s2")
        );
        assert_eq!((a.timeout, a.execute, a.hit_limit), (Some(6), 2, 3));
        assert!(a.clear_event);
        assert_eq!(a.activations(), 3);
    }

    /// (text, signal, wait_for, timeout, clear_event, execute, hit_limit)
    type GoodText = (
        &'static str,
        &'static str,
        &'static str,
        Option<u64>,
        bool,
        u64,
        u64,
    );

    #[test]
    fn good_texts_and_their_counters() {
        let table: &[GoodText] = &[
            ("p0 SIGNAL s1", "s1", "", None, true, 1, 0),
            ("p0 WAIT_FOR s2", "", "s2", None, true, 1, 0),
            ("p0 HIT_LIMIT 3", "", "", None, true, 0, 3),
            (
                "p0 signal s1 wait_for s2 execute 2",
                "s1",
                "s2",
                None,
                true,
                2,
                0,
            ),
            (
                "  p0\n SIGNAL\ts1   WAIT_FOR s2  ",
                "s1",
                "s2",
                None,
                true,
                1,
                0,
            ),
            (
                "now WAIT_FOR s1 NO_CLEAR_EVENT",
                "",
                "s1",
                None,
                false,
                1,
                0,
            ),
            (
                "now WAIT_FOR s1 TIMEOUT 0 no_clear_event",
                "",
                "s1",
                Some(0),
                false,
                1,
                0,
            ),
            ("now SIGNAL s1,s2,s5", "s1,s2,s5", "", None, true, 1, 0),
            ("now SIGNAL x EXECUTE 0", "x", "", None, true, 0, 0),
            ("p0 SIGNAL s EXECUTE +4", "s", "", None, true, 4, 0),
        ];
        for &(text, signal, wait_for, timeout, clear_event, execute, hit_limit) in table {
            let a = armed(text);
            let got = (
                a.signal.as_str(),
                a.wait_for.as_str(),
                a.timeout,
                a.clear_event,
                a.execute,
                a.hit_limit,
            );
            let want = (signal, wait_for, timeout, clear_event, execute, hit_limit);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn reset_test_and_clear() {
        assert_eq!(parse("RESET").unwrap(), Request::Reset);
        assert_eq!(parse(" reset ").unwrap(), Request::Reset);
        assert_eq!(parse("p0 TEST").unwrap(), Request::Test("p0".into()));
        assert_eq!(parse("p0 clear").unwrap(), Request::Clear("p0".into()));
    }

    #[test]
    fn bad_texts_give_mariadbs_messages() {
        let table = [
            ("", "Missing synchronization point name"),
            (" ", "Missing synchronization point name"),
            ("p0", "Missing action after synchronization point name 'p0'"),
            ("p0 EXECUTE 2", "Missing action before EXECUTE"),
            (
                "p0 TIMEOUT 6 EXECUTE 2",
                "Illegal or out of order stuff: 'TIMEOUT'",
            ),
            (
                "p0 WAIT_FOR s2 SIGNAL s1",
                "Illegal or out of order stuff: 'SIGNAL'",
            ),
            (
                "p0 SIGNAL s1 TIMEOUT 6",
                "Illegal or out of order stuff: 'TIMEOUT'",
            ),
            (
                "p0 EXECUTE 2 TIMEOUT 6 SIGNAL s1",
                "Missing action before EXECUTE",
            ),
            ("p0 CLEAR HIT_LIMIT 3", "Nothing must follow action CLEAR"),
            (
                "CLEAR",
                "Missing action after synchronization point name 'CLEAR'",
            ),
            ("p0 TEST p0", "Nothing must follow action TEST"),
            ("p0 RESET", "Illegal or out of order stuff: 'RESET'"),
            ("RESET p0", "Illegal or out of order stuff: 'p0'"),
            ("p0 SIGNAL ", "Missing signal name after action SIGNAL"),
            ("p0 WAIT_FOR ", "Missing signal name after action WAIT_FOR"),
            (
                "p0 SIGNAL s1 EXECUTE ",
                "Missing valid number after EXECUTE",
            ),
            ("p0 SIGNAx s1", "Illegal or out of order stuff: 'SIGNAx'"),
            ("p0 CLEARx", "Illegal or out of order stuff: 'CLEARx'"),
            (
                "RESETx",
                "Missing action after synchronization point name 'RESETx'",
            ),
            (
                "p0 WAIT_FOR s2 TIMEOUT 0x6",
                "Missing valid number after TIMEOUT",
            ),
            (
                "p0 WAIT_FOR s2 EXECUTE 0x2",
                "Missing valid number after EXECUTE",
            ),
            (
                "p0 WAIT_FOR s2 HIT_LIMIT 0x3",
                "Missing valid number after HIT_LIMIT",
            ),
            (
                "p0 NO_CLEAR_EVENT",
                "Illegal or out of order stuff: 'NO_CLEAR_EVENT'",
            ),
        ];
        for (text, message) in table {
            let e = parse(text).unwrap_err();
            assert_eq!(
                (e.code, e.sqlstate, e.message.as_str()),
                (1064, "42000", message),
                "{text:?}"
            );
        }
    }

    #[test]
    fn messages_name_at_most_64_bytes_of_a_token() {
        let long = "x".repeat(100);
        let e = parse(&long).unwrap_err();
        let quoted = format!("'{}'", "x".repeat(64));
        assert!(e.message.ends_with(&quoted), "{}", e.message);
    }

    proptest! {
        #[test]
        fn random_text_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }

        #[test]
        fn keyword_soup_never_panics(words in proptest::collection::vec(
            prop_oneof![
                Just("SIGNAL"), Just("WAIT_FOR"), Just("TIMEOUT"), Just("EXECUTE"),
                Just("HIT_LIMIT"), Just("NO_CLEAR_EVENT"), Just("CLEAR"), Just("TEST"),
                Just("RESET"), Just("now"), Just("7"), Just("ü"), Just("0x1"),
            ], 0..8)) {
            let _ = parse(&words.join(" "));
        }
    }
}
