//! mysqltest variables: `$name` test variables, `$0`–`$9` registers, and the
//! environment they fall back to. A value is a string that may also be an
//! integer (`inc`/`dec` work on those); a name never set reads as the
//! environment variable of that name, or empty. `let NAME=` without `$`
//! exports to the environment that `exec`, `system` and `perl` see.
//!
//! Names are latin1 and compare as latin1_swedish_ci does (`$datadir` is
//! `$DATADIR`), because mysqltest keeps them in a hash with that collation;
//! the first spelling seen names the variable, also when it is exported.

use std::collections::{BTreeMap, HashMap};

use super::latin1;

/// One variable's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Value {
    text: Vec<u8>,
    int: Option<i32>,
}

impl Value {
    pub fn new(text: impl Into<Vec<u8>>) -> Self {
        let text = text.into();
        let int = parse_int(&text);
        Value { text, int }
    }

    pub fn from_int(n: i32) -> Self {
        Value {
            text: n.to_string().into_bytes(),
            int: Some(n),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The integer value when the text starts with one (mysqltest's `is_int`).
    pub fn int(&self) -> Option<i32> {
        self.int
    }

    /// The integer mysqltest compares with: the parsed prefix, or 0.
    pub fn int_or_zero(&self) -> i32 {
        self.int.unwrap_or(0)
    }
}

/// An integer if `strtol` consumes digits up to the end, a space or a tab.
pub fn parse_int(text: &[u8]) -> Option<i32> {
    let mut i = 0;
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let start = i;
    if i < text.len() && matches!(text[i], b'+' | b'-') {
        i += 1;
    }
    let digits_start = i;
    while i < text.len() && text[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    if i < text.len() && !matches!(text[i], b' ' | b'\t') {
        return None;
    }
    let parsed: i64 = std::str::from_utf8(&text[start..i])
        .ok()?
        .parse()
        .unwrap_or(i64::MAX);
    Some(parsed.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// Whether `b` may appear in a variable name (mysqltest's `my_isvar`).
pub fn is_var_char(b: u8) -> bool {
    latin1::is_alnum(b) || b == b'_'
}

/// The hash key of a name: its collation weights.
fn key(name: &[u8]) -> Vec<u8> {
    name.iter().map(|&b| latin1::weight(b)).collect()
}

/// A variable under the spelling it was first seen with.
#[derive(Debug, Clone, Default)]
struct Entry {
    name: Vec<u8>,
    value: Value,
}

/// All variables of one test, and its environment.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    vars: HashMap<Vec<u8>, Entry>,
    registers: [Value; 10],
    env: BTreeMap<String, String>,
}

impl Variables {
    /// Variables over the given environment.
    pub fn new(env: BTreeMap<String, String>) -> Self {
        Variables {
            env,
            ..Self::default()
        }
    }

    /// The value of `name` (without `$`): set, register, environment, or empty.
    pub fn get(&mut self, name: &[u8]) -> Value {
        if let Some(reg) = register(name) {
            return self.registers[reg].clone();
        }
        let key = key(name);
        if let Some(entry) = self.vars.get(&key) {
            return entry.value.clone();
        }
        let from_env = std::str::from_utf8(name)
            .ok()
            .and_then(|n| self.env.get(n))
            .map(|v| v.as_bytes().to_vec())
            .unwrap_or_default();
        let value = Value::new(from_env);
        let entry = Entry {
            name: name.to_vec(),
            value: value.clone(),
        };
        self.vars.insert(key, entry);
        value
    }

    /// Sets `$name` (or, with `export`, also the environment variable `name`).
    pub fn set(&mut self, name: &[u8], value: Value, export: bool) {
        let exported_as = match register(name) {
            Some(reg) => {
                self.registers[reg] = value.clone();
                name.to_vec()
            }
            None => {
                let entry = self.vars.entry(key(name)).or_insert_with(|| Entry {
                    name: name.to_vec(),
                    value: Value::default(),
                });
                entry.value = value.clone();
                entry.name.clone()
            }
        };
        if export {
            let name = String::from_utf8_lossy(&exported_as).into_owned();
            let val = String::from_utf8_lossy(value.as_bytes()).into_owned();
            self.env.insert(name, val);
        }
    }

    pub fn set_str(&mut self, name: &str, value: &str) {
        self.set(name.as_bytes(), Value::new(value), false);
    }

    pub fn set_int(&mut self, name: &str, value: i32) {
        self.set(name.as_bytes(), Value::from_int(value), false);
    }

    /// The environment for child processes.
    pub fn env(&self) -> &BTreeMap<String, String> {
        &self.env
    }

    /// An environment variable (not a test variable).
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env.get(name).map(String::as_str)
    }
}

/// `$0`..`$9` name a register.
fn register(name: &[u8]) -> Option<usize> {
    match name {
        [d] if d.is_ascii_digit() => Some(usize::from(d - b'0')),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_strtol_rules() {
        assert_eq!(parse_int(b"42"), Some(42));
        assert_eq!(parse_int(b" -7 apples"), Some(-7));
        assert_eq!(parse_int(b"7x"), None);
        assert_eq!(parse_int(b""), None);
        assert_eq!(parse_int(b"abc"), None);
        assert_eq!(parse_int(b"3\tb"), Some(3));
    }

    #[test]
    fn unset_names_fall_back_to_the_environment() {
        let mut env = BTreeMap::new();
        env.insert("MYSQLTEST_VARDIR".to_string(), "/var".to_string());
        let mut vars = Variables::new(env);
        assert_eq!(vars.get(b"MYSQLTEST_VARDIR").as_bytes(), b"/var");
        assert_eq!(vars.get(b"nothing").as_bytes(), b"");
        vars.set(b"x", Value::new("1"), false);
        assert_eq!(vars.get(b"x").int(), Some(1));
    }

    #[test]
    fn export_reaches_the_environment() {
        let mut vars = Variables::new(BTreeMap::new());
        vars.set(b"FOO", Value::new("bar"), true);
        assert_eq!(vars.env_var("FOO"), Some("bar"));
        assert_eq!(vars.get(b"FOO").as_bytes(), b"bar");
    }

    #[test]
    fn registers_are_separate() {
        let mut vars = Variables::new(BTreeMap::new());
        vars.set(b"1", Value::new("one"), false);
        assert_eq!(vars.get(b"1").as_bytes(), b"one");
        assert_eq!(vars.get(b"2").as_bytes(), b"");
    }

    /// main.drop_table_force reads `$datadir` after setting `$DATADIR`.
    #[test]
    fn names_ignore_case_and_accents_as_latin1_swedish_ci() {
        let mut vars = Variables::new(BTreeMap::new());
        vars.set(b"DATADIR", Value::new("/d"), false);
        assert_eq!(vars.get(b"datadir").as_bytes(), b"/d");
        vars.set(b"x\xc0", Value::new("1"), false);
        assert_eq!(vars.get(b"xa").as_bytes(), b"1");
        vars.set(b"z\xe4", Value::new("3"), false);
        assert_eq!(vars.get(b"z\xc4").as_bytes(), b"3");
        assert_eq!(vars.get(b"za").as_bytes(), b"");
    }

    /// A name first read from the environment keeps its spelling: `$home`
    /// finds no `home` and then hides `$HOME`; exporting uses that spelling.
    #[test]
    fn the_first_spelling_names_the_variable() {
        let mut env = BTreeMap::new();
        env.insert("HOME".to_string(), "/root".to_string());
        let mut vars = Variables::new(env);
        assert_eq!(vars.get(b"home").as_bytes(), b"");
        assert_eq!(vars.get(b"HOME").as_bytes(), b"");
        vars.set(b"Home", Value::new("x"), true);
        assert_eq!(vars.env_var("home"), Some("x"));
        assert_eq!(vars.env_var("HOME"), Some("/root"));
    }

    #[test]
    fn latin1_letters_are_name_bytes() {
        assert!(is_var_char(b'_') && is_var_char(0xC3) && is_var_char(0x8A));
        assert!(!is_var_char(0xD7) && !is_var_char(0xA4) && !is_var_char(0xB5));
    }
}
