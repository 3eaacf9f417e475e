//! Flag-list variables (optimizer_switch): the value is `name=on|off`
//! pairs in a fixed order; a SET names only the flags it changes
//! (`name=default` and a bare `default` restore compiled-in defaults) and
//! the rest keep their current state.

use super::def::VarDef;
use super::errors;
use super::setting::Setting;
use crate::error::ServerResult;
use crate::sql::value::Value;

/// Applies a SET value to the current flags and returns the new text.
pub fn convert(
    def: &VarDef,
    value: &Value,
    names: &[&str],
    current: &Setting,
) -> ServerResult<String> {
    let text = match value {
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Null => return Err(errors::wrong_value(def.name, "NULL")),
        _ => return Err(errors::wrong_type(def.name)),
    };
    let flags: Vec<&str> = names.iter().copied().filter(|n| *n != "default").collect();
    let defaults = states(def.default.unwrap_or(""), &flags);
    let mut now = states(current.as_text(), &flags);
    for item in text.split(',') {
        let item = item.trim_end_matches(' ');
        if item.is_empty() {
            continue;
        }
        apply(item, &flags, &defaults, &mut now)
            .ok_or_else(|| errors::wrong_value(def.name, item))?;
    }
    Ok(render(&flags, &now))
}

/// Each flag's state in a `name=on,...` text (off when missing).
fn states(text: &str, flags: &[&str]) -> Vec<bool> {
    flags
        .iter()
        .map(|f| text.split(',').any(|p| p == format!("{f}=on")))
        .collect()
}

/// Applies one item; None when it does not parse.
fn apply(item: &str, flags: &[&str], defaults: &[bool], now: &mut [bool]) -> Option<()> {
    if item.eq_ignore_ascii_case("default") {
        now.copy_from_slice(defaults);
        return Some(());
    }
    let (name, state) = item.split_once('=')?;
    let index = flags.iter().position(|f| f.eq_ignore_ascii_case(name))?;
    now[index] = match state.to_ascii_lowercase().as_str() {
        "on" => true,
        "off" => false,
        "default" => defaults[index],
        _ => return None,
    };
    Some(())
}

fn render(flags: &[&str], now: &[bool]) -> String {
    flags
        .iter()
        .zip(now)
        .map(|(f, on)| format!("{f}={}", if *on { "on" } else { "off" }))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysvars::catalog::lookup;
    use crate::sysvars::def::Kind;

    fn switch(value: &str, current: &Setting) -> ServerResult<String> {
        let def = lookup("optimizer_switch").unwrap();
        let Kind::FlagSet(names) = def.kind else {
            panic!()
        };
        convert(def, &Value::text(value), names, current)
    }

    #[test]
    fn a_set_changes_only_the_named_flags_and_default_restores() {
        let def = lookup("optimizer_switch").unwrap();
        let start = Setting::Text(def.default.map(str::to_string));
        let on = switch("MRR=ON ", &start).unwrap();
        assert!(on.contains(",mrr=on,mrr_cost_based=off,"));
        assert_eq!(on.len(), def.default.unwrap().len() - 1);
        let back = switch("default", &Setting::Text(Some(on))).unwrap();
        assert_eq!(back, def.default.unwrap());
    }

    #[test]
    fn unknown_flags_and_bare_names_are_refused_by_item() {
        let start = Setting::Text(None);
        let e = switch("mrr=on,foo=off", &start).unwrap_err();
        assert_eq!(
            e.message,
            "Variable 'optimizer_switch' can't be set to the value of 'foo=off'"
        );
        assert_eq!(switch("mrr", &start).unwrap_err().code, 1231);
    }
}
