//! debug_dbug (alias `debug`): the `d` field of MariaDB's DBUG control
//! string, which switches on keywords server code tests for
//! (`DBUG_EXECUTE_IF`). `SET [GLOBAL] debug_dbug = '+d,a,b'` adds keywords,
//! `'-d,a'` removes them, `'d,a'` replaces them and `''` turns debugging
//! off; the variable reads back as DBUG explains its settings (`d,a,b`).
//! A session that never set its own value follows the global one.
//! Only the `d` field is kept: other DBUG flags (trace, files) do nothing here.

use crate::session::Session;

/// Whether a listed keyword is switched on or explicitly off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Include,
    Exclude,
}

/// The keyword part of one DBUG setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keywords {
    /// DEBUG_ON: a `d` field was given.
    on: bool,
    list: Vec<(String, Mark)>,
}

impl Keywords {
    /// Reads a value as `explain` writes it (and as SET accepts it).
    pub fn parse(text: &str) -> Keywords {
        Keywords::default().apply(text)
    }

    /// The setting after `SET … = control`: relative (`+`/`-`) to this
    /// one, or a fresh one.
    pub fn apply(&self, control: &str) -> Keywords {
        let control = control.strip_prefix("-#").unwrap_or(control);
        let relative = control.starts_with('+') || control.starts_with('-');
        let mut next = if relative {
            self.clone()
        } else {
            Keywords::default()
        };
        for field in control.split(':') {
            next.apply_field(field);
        }
        next
    }

    fn apply_field(&mut self, field: &str) {
        let (sign, rest) = match field.as_bytes().first() {
            Some(b'+') => (1, &field[1..]),
            Some(b'-') => (-1, &field[1..]),
            _ => (0, field),
        };
        let Some(names) = rest.strip_prefix('d') else {
            return;
        };
        let names = names.strip_prefix(',').unwrap_or(names);
        if sign < 0 && names.is_empty() {
            *self = Keywords::default();
        } else if sign < 0 {
            if self.on {
                names.split(',').for_each(|n| self.exclude(n));
            }
        } else {
            names.split(',').for_each(|n| self.include(n));
            self.on = true;
        }
    }

    fn include(&mut self, name: &str) {
        if name.is_empty() {
            return;
        }
        match self.list.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = Mark::Include,
            None => self.list.push((name.to_string(), Mark::Include)),
        }
    }

    /// `-d,name`: a listed keyword goes, an unlisted one is noted as excluded.
    fn exclude(&mut self, name: &str) {
        if name.is_empty() {
            return;
        }
        match self.list.iter().position(|(n, _)| n == name) {
            Some(at) if self.list[at].1 == Mark::Include => {
                self.list.remove(at);
            }
            Some(_) => {}
            None => self.list.push((name.to_string(), Mark::Exclude)),
        }
    }

    /// Whether `keyword` is switched on (DBUG_EXECUTE_IF's strict test).
    pub fn has(&self, keyword: &str) -> bool {
        self.on
            && self
                .list
                .iter()
                .any(|(n, m)| n == keyword && *m == Mark::Include)
    }

    /// The value as `@@debug_dbug` reads (DBUG's explain of the `d` field).
    pub fn explain(&self) -> String {
        if !self.on {
            return String::new();
        }
        let names = |mark| {
            self.list
                .iter()
                .filter(move |(_, m)| *m == mark)
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
        };
        let mut out = String::from("d");
        for name in names(Mark::Include) {
            out.push(',');
            out.push_str(name);
        }
        let excluded = names(Mark::Exclude);
        if !excluded.is_empty() {
            out.push_str(":-d");
            for name in excluded {
                out.push(',');
                out.push_str(name);
            }
        }
        out
    }
}

/// Whether `keyword` is on for the session (its own setting, else the global one).
pub fn keyword(session: &Session, keyword: &str) -> bool {
    let text = session.state.globals.debug_dbug(&session.vars);
    !text.is_empty() && Keywords::parse(&text).has(keyword)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(start: &str, control: &str) -> String {
        Keywords::parse(start).apply(control).explain()
    }

    #[test]
    fn set_values_read_back_as_mariadb_prints_them() {
        let table = [
            ("", "d,foo", "d,foo"),
            ("", "+d,a,b", "d,a,b"),
            ("d,a", "+d,b", "d,a,b"),
            ("d,a,b", "-d,a", "d,b"),
            ("d,a", "-d,a", "d"),
            ("d,a", "-d", ""),
            ("d,a", "", ""),
            ("d,a", "d,b", "d,b"),
            ("", "-d,x", ""),
            ("d", "-d,x", "d:-d,x"),
            ("d:-d,x", "+d,x", "d,x"),
            ("d,a", "+d,a", "d,a"),
            ("", "T", ""),
            ("", "d,a:T", "d,a"),
        ];
        for (start, control, want) in table {
            assert_eq!(after(start, control), want, "{start:?} then {control:?}");
        }
    }

    #[test]
    fn a_session_follows_the_global_value_until_it_sets_its_own() {
        use crate::server::config::ServerConfig;
        use crate::sql::eval::VarScope;
        use crate::sql::value::Value;
        use crate::sysvars::SetValue;
        let state = crate::server::state::ServerState::new(ServerConfig::default());
        let thread = state.threads.register("root", "localhost", None);
        let mut session = Session::new(std::sync::Arc::clone(&state), thread);
        let globals = &state.globals;
        let set = |vars: &mut crate::sysvars::SessionVariables, scope, text: &str| {
            let value = SetValue::Value(Value::text(text));
            globals.set(vars, scope, "debug_dbug", value).unwrap();
        };
        let read = |vars: &crate::sysvars::SessionVariables, scope, name| {
            globals.get(vars, scope, name).unwrap()
        };
        set(&mut session.vars, VarScope::Global, "+d,a");
        assert_eq!(
            read(&session.vars, VarScope::Session, "debug_dbug"),
            Value::text("d,a")
        );
        assert!(keyword(&session, "a"));
        set(&mut session.vars, VarScope::Session, "+d,b");
        assert_eq!(
            read(&session.vars, VarScope::Session, "debug"),
            Value::text("d,a,b")
        );
        assert_eq!(
            read(&session.vars, VarScope::Global, "debug_dbug"),
            Value::text("d,a")
        );
        set(&mut session.vars, VarScope::Global, "");
        assert!(keyword(&session, "b") && keyword(&session, "a"));
        assert_eq!(
            read(&session.vars, VarScope::Global, "debug"),
            Value::text("")
        );
    }

    #[test]
    fn keywords_are_on_only_while_included() {
        let k = Keywords::parse("d,binlog_force_commit_id");
        assert!(k.has("binlog_force_commit_id"));
        assert!(!k.has("binlog_force"));
        assert!(!Keywords::parse("d:-d,x").has("x"));
        assert!(!Keywords::parse("").has("x"));
    }
}
