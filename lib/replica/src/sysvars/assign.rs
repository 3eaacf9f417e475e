//! SET of a system variable: which scope a `SET [GLOBAL|SESSION] x = v`
//! reaches and whether it may, the value converted and checked for the
//! variable, and the variables that change with it (aliases such as
//! storage_engine, a charset's collation). Errors are MariaDB's; warnings
//! (clipped numbers) go back to the caller to record.

use super::catalog::lookup;
use super::checks;
use super::convert::convert;
use super::def::{Access, Kind, Scope, VarDef};
use super::errors;
use super::globals::SystemVariables;
use super::session::SessionVariables;
use super::setting::Setting;
use crate::error::{Condition, ServerResult};
use crate::sql::eval::VarScope;
use crate::sql::value::Value;

/// The right-hand side of `SET x = …`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Value(Value),
    /// `SET x = DEFAULT`: the global value for a session, the compiled-in one for GLOBAL.
    Default,
}

/// Variables that are two names for one value.
const ALIASES: &[(&str, &str)] = &[
    ("storage_engine", "default_storage_engine"),
    ("default_storage_engine", "storage_engine"),
    ("identity", "last_insert_id"),
    ("last_insert_id", "identity"),
];

impl SystemVariables {
    /// `SET [GLOBAL | SESSION] name = value`; `VarScope::Default` is SESSION.
    pub fn set(
        &self,
        session: &mut SessionVariables,
        scope: VarScope,
        name: &str,
        value: SetValue,
    ) -> ServerResult<Vec<Condition>> {
        let def = lookup(name).ok_or_else(|| errors::unknown_system_variable(name))?;
        let global = check_access(def, scope)?;
        let (setting, mut warnings) = match value {
            SetValue::Default => (self.default_for(def, global), Vec::new()),
            SetValue::Value(v) => self.converted(session, def, global, &v)?,
        };
        for (name, value) in changes(def, setting) {
            if global {
                self.lock().insert(name, value);
            } else {
                session.store(name, value);
            }
        }
        if global && def.name == "max_allowed_packet" {
            warnings.extend(self.packet_below_buffer());
        }
        Ok(warnings)
    }

    /// The value for `SET x = DEFAULT`.
    fn default_for(&self, def: &VarDef, global: bool) -> Setting {
        if global || def.scope == Scope::SessionOnly {
            Setting::from_show_text(&def.kind, def.default)
        } else {
            self.global(def.name).unwrap_or(Setting::Text(None))
        }
    }

    /// The value converted for the variable and, for text, checked.
    fn converted(
        &self,
        session: &SessionVariables,
        def: &VarDef,
        global: bool,
        value: &Value,
    ) -> ServerResult<(Setting, Vec<Condition>)> {
        let current = if global {
            self.global(def.name)
        } else {
            session.setting(def.name).cloned()
        };
        let (setting, warnings) = convert(def, value, &current.unwrap_or(Setting::Text(None)))?;
        match (def.kind, setting) {
            (Kind::Text { .. }, Setting::Text(t)) => {
                Ok((Setting::Text(checks::check_text(def.name, t)?), warnings))
            }
            (_, s) => Ok((s, warnings)),
        }
    }

    /// 1708 when the global max_allowed_packet is below net_buffer_length.
    fn packet_below_buffer(&self) -> Option<Condition> {
        let values = self.lock();
        let packet = values.get("max_allowed_packet").map_or(0, Setting::as_u64);
        let buffer = values.get("net_buffer_length").map_or(0, Setting::as_u64);
        (packet < buffer)
            .then(|| errors::option_below_limit("max_allowed_packet", "net_buffer_length"))
    }
}

/// Whether the SET reaches the global value; MariaDB's error when it may not.
fn check_access(def: &VarDef, scope: VarScope) -> ServerResult<bool> {
    if def.access == Access::ReadOnly {
        return Err(errors::read_only_variable(def.name));
    }
    if scope == VarScope::Global {
        return match (def.scope, def.access) {
            (Scope::SessionOnly, _) => Err(errors::local_variable(def.name)),
            (_, Access::NoSetGlobal) => Err(errors::is_session_variable(def.name)),
            _ => Ok(true),
        };
    }
    match (def.scope, def.access) {
        (Scope::Global, _) => Err(errors::global_variable(def.name)),
        (_, Access::SessionReadOnly) => Err(errors::session_read_only(def.name)),
        _ => Ok(false),
    }
}

/// The variable's new value and those of the variables that follow it.
fn changes(def: &VarDef, setting: Setting) -> Vec<(&'static str, Setting)> {
    let mut out = Vec::new();
    if let Some(alias) = ALIASES
        .iter()
        .find(|(n, _)| *n == def.name)
        .and_then(|(_, a)| lookup(a))
    {
        out.push((alias.name, setting.clone()));
    }
    if let Setting::Text(Some(text)) = &setting {
        if let Some((name, value)) = checks::linked(def.name, text) {
            if let Some(other) = lookup(&name) {
                out.push((other.name, Setting::Text(Some(value))));
            }
        }
    }
    out.insert(0, (def.name, setting));
    out
}
