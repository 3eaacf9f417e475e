//! Result checking and reporting.
