//! MariaDB error names, codes and SQLSTATEs. The table is generated from the
//! installed server's message file and client headers (see
//! `tools/gen-error-table`); callers hand in a name such as
//! `ER_NO_SUCH_TABLE` or a code such as 1146 and get the other side back,
//! plus the spelling mysqltest itself prints for a code.

mod entry;
mod lookup;
mod table;

pub use entry::{ErrorName, Origin};
pub use lookup::{
    NO_ERROR_NAME, UNKNOWN_ERROR_NAME, code_for_name, lookup_name, mysqltest_code_for_name,
    mysqltest_errname, name_for_code, sqlstate_for_code,
};
