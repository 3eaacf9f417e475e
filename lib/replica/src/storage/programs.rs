//! The catalog's stored programs: procedures, functions, triggers and
//! views of each database, kept as the text the client sent plus the
//! few facts the server records beside it (sql_mode, definer, creation
//! time). `sql::routines` parses the statement again to run or list a
//! program; storage only keeps, finds and drops them, and logs each change
//! to the datadir with the rest of the catalog.

use std::collections::BTreeMap;

/// Which namespace a routine lives in (a procedure and a function may share a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoutineKind {
    Procedure,
    Function,
}

impl RoutineKind {
    /// `PROCEDURE` or `FUNCTION`, as messages and listings name it.
    pub fn name(self) -> &'static str {
        match self {
            RoutineKind::Procedure => "PROCEDURE",
            RoutineKind::Function => "FUNCTION",
        }
    }
}

/// A stored procedure or function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRoutine {
    pub kind: RoutineKind,
    pub schema: String,
    pub name: String,
    /// The CREATE statement's text, from `CREATE` to the body's end.
    pub definition: String,
    /// The sql_mode the routine was created under and runs under.
    pub sql_mode: String,
    /// `user@host`.
    pub definer: String,
    /// `YYYY-MM-DD hh:mm:ss`.
    pub created: String,
}

/// A trigger of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTrigger {
    pub schema: String,
    pub name: String,
    pub table: String,
    /// The CREATE TRIGGER statement's text.
    pub definition: String,
    pub sql_mode: String,
    pub definer: String,
    /// `YYYY-MM-DD hh:mm:ss.cc`, as information_schema.TRIGGERS prints it.
    pub created: String,
}

/// A view: a named SELECT, run again each time the view is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredView {
    pub schema: String,
    pub name: String,
    /// The column names given after the view's name; empty for the SELECT's own.
    pub columns: Vec<String>,
    /// The SELECT as the client wrote it, after AS.
    pub query: String,
    /// `UNDEFINED`, `MERGE` or `TEMPTABLE`.
    pub algorithm: String,
    /// `user@host`.
    pub definer: String,
    /// `DEFINER` or `INVOKER`.
    pub security: String,
}

/// Routines by (schema, kind, lower-case name); triggers in creation
/// order; views by (schema, lower-case name).
#[derive(Debug, Default)]
pub struct Programs {
    routines: BTreeMap<(String, RoutineKind, String), StoredRoutine>,
    triggers: Vec<StoredTrigger>,
    views: BTreeMap<(String, String), StoredView>,
}

fn routine_key(kind: RoutineKind, schema: &str, name: &str) -> (String, RoutineKind, String) {
    (schema.to_string(), kind, name.to_ascii_lowercase())
}

impl Programs {
    /// Adds a routine; false (and no change) when one of that name exists
    /// and `replace` is off.
    pub fn put_routine(&mut self, routine: StoredRoutine, replace: bool) -> bool {
        let key = routine_key(routine.kind, &routine.schema, &routine.name);
        if !replace && self.routines.contains_key(&key) {
            return false;
        }
        self.routines.insert(key, routine);
        true
    }

    /// Removes a routine; false when there was none.
    pub fn drop_routine(&mut self, kind: RoutineKind, schema: &str, name: &str) -> bool {
        self.routines
            .remove(&routine_key(kind, schema, name))
            .is_some()
    }

    pub fn routine(&self, kind: RoutineKind, schema: &str, name: &str) -> Option<StoredRoutine> {
        self.routines.get(&routine_key(kind, schema, name)).cloned()
    }

    /// Every routine, by schema, kind and name.
    pub fn routines(&self) -> Vec<StoredRoutine> {
        self.routines.values().cloned().collect()
    }

    /// Adds a trigger; false when the schema has one of that name.
    pub fn put_trigger(&mut self, trigger: StoredTrigger) -> bool {
        if self.trigger(&trigger.schema, &trigger.name).is_some() {
            return false;
        }
        self.triggers.push(trigger);
        true
    }

    pub fn trigger(&self, schema: &str, name: &str) -> Option<&StoredTrigger> {
        self.triggers
            .iter()
            .find(|t| t.schema == schema && t.name.eq_ignore_ascii_case(name))
    }

    /// Removes a trigger; false when there was none.
    pub fn drop_trigger(&mut self, schema: &str, name: &str) -> bool {
        let before = self.triggers.len();
        self.triggers
            .retain(|t| !(t.schema == schema && t.name.eq_ignore_ascii_case(name)));
        self.triggers.len() != before
    }

    /// The triggers of one table, in creation order.
    pub fn triggers_of(&self, schema: &str, table: &str) -> Vec<StoredTrigger> {
        self.triggers
            .iter()
            .filter(|t| t.schema == schema && t.table == table)
            .cloned()
            .collect()
    }

    /// Every trigger, in creation order.
    pub fn triggers(&self) -> Vec<StoredTrigger> {
        self.triggers.clone()
    }

    /// Adds or replaces a view.
    pub fn put_view(&mut self, view: StoredView) {
        let key = (view.schema.clone(), view.name.to_ascii_lowercase());
        self.views.insert(key, view);
    }

    /// Removes a view; false when there was none.
    pub fn drop_view(&mut self, schema: &str, name: &str) -> bool {
        let key = (schema.to_string(), name.to_ascii_lowercase());
        self.views.remove(&key).is_some()
    }

    pub fn view(&self, schema: &str, name: &str) -> Option<StoredView> {
        let key = (schema.to_string(), name.to_ascii_lowercase());
        self.views.get(&key).cloned()
    }

    /// Every view, by schema and name.
    pub fn views(&self) -> Vec<StoredView> {
        self.views.values().cloned().collect()
    }

    /// DROP DATABASE takes its routines, triggers and views along.
    pub fn drop_schema(&mut self, schema: &str) {
        self.routines.retain(|(s, _, _), _| s != schema);
        self.triggers.retain(|t| t.schema != schema);
        self.views.retain(|(s, _), _| s != schema);
    }

    /// DROP TABLE takes the table's triggers along.
    pub fn drop_table(&mut self, schema: &str, table: &str) {
        self.triggers
            .retain(|t| !(t.schema == schema && t.table == table));
    }

    /// RENAME TABLE moves the table's triggers with it.
    pub fn rename_table(&mut self, from: (&str, &str), to: (&str, &str)) {
        for t in &mut self.triggers {
            if t.schema == from.0 && t.table == from.1 {
                t.schema = to.0.to_string();
                t.table = to.1.to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routine(kind: RoutineKind, schema: &str, name: &str) -> StoredRoutine {
        StoredRoutine {
            kind,
            schema: schema.into(),
            name: name.into(),
            definition: format!("CREATE {} {name}() SELECT 1", kind.name()),
            sql_mode: String::new(),
            definer: "root@localhost".into(),
            created: "2024-01-01 00:00:00".into(),
        }
    }

    fn trigger(schema: &str, name: &str, table: &str) -> StoredTrigger {
        StoredTrigger {
            schema: schema.into(),
            name: name.into(),
            table: table.into(),
            definition: String::new(),
            sql_mode: String::new(),
            definer: "root@localhost".into(),
            created: "2024-01-01 00:00:00.00".into(),
        }
    }

    #[test]
    fn routine_names_ignore_case_and_kinds_are_separate() {
        let mut p = Programs::default();
        assert!(p.put_routine(routine(RoutineKind::Procedure, "test", "P1"), false));
        assert!(!p.put_routine(routine(RoutineKind::Procedure, "test", "p1"), false));
        assert!(p.put_routine(routine(RoutineKind::Function, "test", "p1"), false));
        assert!(p.routine(RoutineKind::Procedure, "test", "p1").is_some());
        assert!(p.routine(RoutineKind::Procedure, "other", "p1").is_none());
        assert!(p.put_routine(routine(RoutineKind::Procedure, "test", "p1"), true));
        assert!(p.drop_routine(RoutineKind::Procedure, "test", "P1"));
        assert!(!p.drop_routine(RoutineKind::Procedure, "test", "P1"));
        assert_eq!(p.routines().len(), 1);
    }

    #[test]
    fn dropping_a_schema_or_table_takes_its_programs() {
        let mut p = Programs::default();
        p.put_routine(routine(RoutineKind::Procedure, "d", "p"), false);
        p.put_routine(routine(RoutineKind::Procedure, "test", "p"), false);
        assert!(p.put_trigger(trigger("d", "tr", "t")));
        assert!(!p.put_trigger(trigger("d", "TR", "u")));
        assert!(p.put_trigger(trigger("test", "tr1", "t")));
        assert!(p.put_trigger(trigger("test", "tr2", "u")));
        p.drop_schema("d");
        assert_eq!(p.routines().len(), 1);
        assert_eq!(p.triggers().len(), 2);
        p.rename_table(("test", "u"), ("test", "w"));
        assert_eq!(p.triggers_of("test", "w").len(), 1);
        p.drop_table("test", "t");
        assert_eq!(p.triggers().len(), 1);
        assert!(p.drop_trigger("test", "TR2"));
        assert!(p.triggers().is_empty());
    }

    fn view(schema: &str, name: &str, query: &str) -> StoredView {
        StoredView {
            schema: schema.into(),
            name: name.into(),
            columns: Vec::new(),
            query: query.into(),
            algorithm: "UNDEFINED".into(),
            definer: "root@localhost".into(),
            security: "DEFINER".into(),
        }
    }

    #[test]
    fn views_are_replaced_by_name_and_go_with_their_schema() {
        let mut p = Programs::default();
        p.put_view(view("test", "V", "SELECT 1"));
        p.put_view(view("test", "v", "SELECT 2"));
        p.put_view(view("d", "v", "SELECT 3"));
        assert_eq!(p.views().len(), 2);
        assert_eq!(
            p.view("test", "V").map(|v| v.query),
            Some("SELECT 2".into())
        );
        p.drop_schema("d");
        assert!(p.view("d", "v").is_none());
        assert!(p.drop_view("test", "v"));
        assert!(!p.drop_view("test", "v"));
    }
}
