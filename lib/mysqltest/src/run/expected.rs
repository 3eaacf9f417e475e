//! Expected errors set by `--error`: numbers, `ER_…`/`WARN_…`/`HA_ERR_…`
//! names and `S…` SQLSTATEs, up to eleven per command. The interpreter
//! matches a failing statement (or exec, or file command) against them.

use super::flow::{Stop, show};
use super::variables::Variables;
use crate::errors::mysqltest_code_for_name;

/// One expected outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Code(u32),
    SqlState(String),
}

/// Most codes one `--error` may list.
const MAX_EXPECTED: usize = 12;

/// The list set by the last `--error`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedErrors {
    pub list: Vec<Expected>,
}

impl ExpectedErrors {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Position of the entry matching `code`/`sqlstate` (no SQLSTATE for
    /// commands that cannot produce one).
    pub fn find(&self, code: u32, sqlstate: Option<&str>) -> Result<Option<usize>, Stop> {
        for (i, expected) in self.list.iter().enumerate() {
            match expected {
                Expected::Code(c) if *c == code => return Ok(Some(i)),
                Expected::SqlState(want) => match sqlstate {
                    None => {
                        return Err(Stop::die(format!(
                            "expecting a SQL-state ({want}) from query '' which cannot produce one..."
                        )));
                    }
                    Some(got) if got.get(..5) == want.get(..5) => return Ok(Some(i)),
                    Some(_) => {}
                },
                Expected::Code(_) => {}
            }
        }
        Ok(None)
    }

    /// The first entry, which decides messages.
    pub fn first(&self) -> Option<&Expected> {
        self.list.first()
    }
}

/// Parses the (already expanded) argument of `--error`.
pub fn parse_error_list(
    arg: &[u8],
    raw_arg: &[u8],
    vars: &mut Variables,
) -> Result<ExpectedErrors, Stop> {
    if raw_arg.is_empty() {
        return Err(Stop::die("Missing argument(s) to 'error'"));
    }
    let mut list = Vec::new();
    let mut p = 0;
    loop {
        while p < arg.len() && arg[p] == b' ' {
            p += 1;
        }
        let end = p + arg[p..]
            .iter()
            .take_while(|b| !matches!(b, b',' | b' '))
            .count();
        let next = end;
        let token = if arg.get(p) == Some(&b'$') {
            let (name, _) = super::eval::variable_at(arg, p)?;
            vars.get(name).as_bytes().to_vec()
        } else {
            arg[p..end].to_vec()
        };
        let rest_of_text = &arg[p..];
        list.push(parse_one(&token, rest_of_text, raw_arg)?);
        if list.len() >= MAX_EXPECTED {
            return Err(Stop::die("Too many errorcodes specified"));
        }
        p = next;
        while p < arg.len() && arg[p] != b',' {
            p += 1;
        }
        if p < arg.len() {
            p += 1;
        }
        if p >= arg.len() {
            break;
        }
    }
    Ok(ExpectedErrors { list })
}

fn parse_one(token: &[u8], rest: &[u8], raw_arg: &[u8]) -> Result<Expected, Stop> {
    match token.first() {
        Some(b'S') => parse_sqlstate(&token[1..]),
        Some(b's') => Err(Stop::die(
            "The sqlstate definition must start with an uppercase S",
        )),
        Some(b'E' | b'W' | b'H') => {
            let name = show(token);
            mysqltest_code_for_name(&name)
                .map(Expected::Code)
                .ok_or_else(|| Stop::die(format!("Unknown SQL error name '{}'", show(rest))))
        }
        Some(b'e' | b'w' | b'h') => Err(Stop::die(
            "The error name definition must start with an uppercase E or W or H",
        )),
        _ => parse_number(token, raw_arg),
    }
}

fn parse_sqlstate(state: &[u8]) -> Result<Expected, Stop> {
    if state.len() != 5 {
        return Err(Stop::die("The sqlstate must be exactly 5 chars long"));
    }
    if !state
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return Err(Stop::die(
            "The sqlstate may only consist of digits[0-9] and _uppercase_ letters",
        ));
    }
    Ok(Expected::SqlState(show(state)))
}

fn parse_number(token: &[u8], raw_arg: &[u8]) -> Result<Expected, Stop> {
    if !token.iter().all(u8::is_ascii_digit) {
        return Err(Stop::die(format!(
            "Invalid argument to error: '{}' - the errno may only consist of digits[0-9]",
            show(raw_arg)
        )));
    }
    show(token)
        .parse::<u32>()
        .map(Expected::Code)
        .map_err(|_| Stop::die(format!("Invalid argument to error: '{}'", show(raw_arg))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn parse(s: &str) -> Result<ExpectedErrors, Stop> {
        parse_error_list(
            s.as_bytes(),
            s.as_bytes(),
            &mut Variables::new(BTreeMap::new()),
        )
    }

    #[test]
    fn parses_names_numbers_and_states() {
        let e = parse("ER_NO_SUCH_TABLE, 1062,S42000").unwrap();
        assert_eq!(
            e.list,
            [
                Expected::Code(1146),
                Expected::Code(1062),
                Expected::SqlState("42000".into())
            ]
        );
        assert_eq!(parse("0,ER_DUP_ENTRY").unwrap().list.len(), 2);
    }

    #[test]
    fn rejects_bad_entries_with_mysqltest_wording() {
        assert_eq!(
            parse("ER_NOPE").unwrap_err(),
            Stop::die("Unknown SQL error name 'ER_NOPE'")
        );
        assert_eq!(
            parse("s42000").unwrap_err(),
            Stop::die("The sqlstate definition must start with an uppercase S")
        );
        assert_eq!(
            parse("S4200").unwrap_err(),
            Stop::die("The sqlstate must be exactly 5 chars long")
        );
        assert!(
            matches!(parse("12x"), Err(Stop::Die(m)) if m.contains("may only consist of digits"))
        );
        assert_eq!(
            parse("").unwrap_err(),
            Stop::die("Missing argument(s) to 'error'")
        );
    }

    #[test]
    fn matching_uses_codes_and_states() {
        let e = parse("ER_DUP_ENTRY,S42S02").unwrap();
        assert_eq!(e.find(1062, Some("23000")).unwrap(), Some(0));
        assert_eq!(e.find(1146, Some("42S02")).unwrap(), Some(1));
        assert_eq!(e.find(1, Some("HY000")).unwrap(), None);
        assert!(e.expects_failure_or_state());
        assert!(!parse("0").unwrap().expects_failure_or_state());
    }
}
