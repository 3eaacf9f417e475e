//! The evaluator against what the installed `mariadb-test` (10.11.19) was
//! measured to do: `testdata/measured.txt` holds, per line, an expression,
//! then `ok` and the text `$(…)` gave, or `error` and the message mysqltest
//! died with (`\\` and `\xNN` escaped). `scripts/measure-expressions`
//! writes the file from a list of expressions.

use super::evaluate;

/// One measured expression.
struct Measured<'a> {
    expression: &'a [u8],
    outcome: String,
}

fn measured() -> Vec<Measured<'static>> {
    include_str!("testdata/measured.txt")
        .lines()
        .map(|line| {
            let mut fields = line.rsplitn(3, '\t');
            let text = fields.next().expect("text");
            let kind = fields.next().expect("kind");
            let expression = fields.next().expect("expression");
            Measured {
                expression: expression.as_bytes(),
                outcome: format!("{kind} {}", escape(&unescape(text))),
            }
        })
        .collect()
}

/// Bytes from the file's escaped form.
fn unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'\\')) => {
                out.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'x')) => {
                let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).expect("hex digits");
                out.push(u8::from_str_radix(hex, 16).expect("hex byte"));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Bytes shown readably in a failure.
fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[test]
fn evaluation_matches_the_installed_mysqltest() {
    let mut wrong = Vec::new();
    let cases = measured();
    for case in &cases {
        let outcome = match evaluate(case.expression) {
            Ok(value) => format!("ok {}", escape(&value.to_text())),
            Err(e) => format!("error {}", escape(e.to_string().as_bytes())),
        };
        if outcome != case.outcome {
            wrong.push(format!(
                "{}\n    mysqltest: {}\n    rmtr:      {outcome}",
                String::from_utf8_lossy(case.expression),
                case.outcome
            ));
        }
    }
    assert!(cases.len() > 600, "measured.txt is missing lines");
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
