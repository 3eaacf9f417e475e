//! The `enable_X`/`disable_X` switches that persist across commands, each
//! settable for one command only with `ONCE`, and mirrored in the test
//! variables `$ENABLED_X` as mysqltest does.

use super::variables::Variables;

/// A switch that `ONCE` applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    AbortOnError,
    ConnectLog,
    Info,
    SessionTrack,
    Metadata,
    PsProtocol,
    Ps2Protocol,
    ViewProtocol,
    CursorProtocol,
    ServiceConnection,
    QueryLog,
    ResultLog,
    Warnings,
}

impl Prop {
    const COUNT: usize = 13;

    fn index(self) -> usize {
        self as usize
    }

    /// The `$ENABLED_…` variable and whether it is true when the switch is off.
    fn variable(self) -> (&'static str, bool) {
        match self {
            Prop::AbortOnError => ("ENABLED_ABORT_ON_ERROR", false),
            Prop::ConnectLog => ("ENABLED_CONNECT_LOG", true),
            Prop::Info => ("ENABLED_INFO", true),
            Prop::SessionTrack => ("ENABLED_STATE_CHANGE_INFO", true),
            Prop::Metadata => ("ENABLED_METADATA", false),
            Prop::PsProtocol => ("ENABLED_PS_PROTOCOL", false),
            Prop::Ps2Protocol => ("ENABLED_PS2_PROTOCOL", false),
            Prop::ViewProtocol => ("ENABLED_VIEW_PROTOCOL", false),
            Prop::CursorProtocol => ("ENABLED_CURSOR_PROTOCOL", false),
            Prop::ServiceConnection => ("ENABLED_SERVICE_CONNECTION", false),
            Prop::QueryLog => ("ENABLED_QUERY_LOG", true),
            Prop::ResultLog => ("ENABLED_RESULT_LOG", true),
            Prop::Warnings => ("ENABLED_WARNINGS", true),
        }
    }
}

/// The switches' values. For the `*Log`, `Info`, `Warnings` and
/// `ConnectLog` switches the stored value means "disabled", as in mysqltest.
#[derive(Debug, Clone)]
pub struct Properties {
    value: [bool; Prop::COUNT],
    saved: [Option<bool>; Prop::COUNT],
    once_pending: bool,
}

impl Default for Properties {
    fn default() -> Self {
        let mut value = [false; Prop::COUNT];
        value[Prop::AbortOnError.index()] = true;
        value[Prop::Info.index()] = true;
        value[Prop::ServiceConnection.index()] = true;
        Properties {
            value,
            saved: [None; Prop::COUNT],
            once_pending: false,
        }
    }
}

impl Properties {
    pub fn get(&self, prop: Prop) -> bool {
        self.value[prop.index()]
    }

    /// Sets a switch, for good or (with `once`) until the next command ends.
    pub fn set(&mut self, prop: Prop, value: bool, once: bool, vars: &mut Variables) {
        let i = prop.index();
        if once {
            self.saved[i] = Some(self.value[i]);
            self.once_pending = true;
        } else {
            self.saved[i] = None;
        }
        self.value[i] = value;
        publish(prop, value, vars);
    }

    /// Restores switches set with `ONCE` (mysqltest's `revert_properties`).
    pub fn revert(&mut self, vars: &mut Variables) {
        if !self.once_pending {
            return;
        }
        for prop in ALL {
            if let Some(old) = self.saved[prop.index()].take() {
                self.value[prop.index()] = old;
                publish(prop, old, vars);
            }
        }
        self.once_pending = false;
    }

    /// `$ENABLED_…` values mysqltest sets at start.
    pub fn publish_initial(vars: &mut Variables) {
        for (name, value) in [
            ("ENABLED_QUERY_LOG", 1),
            ("ENABLED_ABORT_ON_ERROR", 1),
            ("ENABLED_RESULT_LOG", 1),
            ("ENABLED_CONNECT_LOG", 0),
            ("ENABLED_WARNINGS", 1),
            ("ENABLED_INFO", 0),
            ("ENABLED_METADATA", 0),
        ] {
            vars.set_int(name, value);
        }
    }
}

const ALL: [Prop; Prop::COUNT] = [
    Prop::AbortOnError,
    Prop::ConnectLog,
    Prop::Info,
    Prop::SessionTrack,
    Prop::Metadata,
    Prop::PsProtocol,
    Prop::Ps2Protocol,
    Prop::ViewProtocol,
    Prop::CursorProtocol,
    Prop::ServiceConnection,
    Prop::QueryLog,
    Prop::ResultLog,
    Prop::Warnings,
];

fn publish(prop: Prop, value: bool, vars: &mut Variables) {
    let (name, reverse) = prop.variable();
    vars.set_int(name, i32::from(value != reverse));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn once_reverts_after_the_next_command() {
        let mut vars = Variables::new(BTreeMap::new());
        let mut props = Properties::default();
        props.set(Prop::QueryLog, true, true, &mut vars);
        assert!(props.get(Prop::QueryLog));
        assert_eq!(vars.get(b"ENABLED_QUERY_LOG").int(), Some(0));
        props.revert(&mut vars);
        assert!(!props.get(Prop::QueryLog));
        assert_eq!(vars.get(b"ENABLED_QUERY_LOG").int(), Some(1));
    }

    #[test]
    fn plain_set_persists() {
        let mut vars = Variables::new(BTreeMap::new());
        let mut props = Properties::default();
        props.set(Prop::Warnings, true, false, &mut vars);
        props.revert(&mut vars);
        assert!(props.get(Prop::Warnings));
        assert_eq!(vars.get(b"ENABLED_WARNINGS").int(), Some(0));
    }
}
