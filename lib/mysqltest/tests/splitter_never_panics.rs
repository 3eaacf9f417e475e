//! Property test: the splitter and parser accept any bytes without
//! panicking, under any lexical state, and whatever parses round-trips.

use proptest::prelude::*;
use rmtr_mysqltest::script::charset::ClientCharset;
use rmtr_mysqltest::script::{LexState, Quoting, parse_tail};

/// Bytes biased toward the characters the reader treats specially.
fn script_bytes() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(vec![
        b';', b'\n', b'\r', b'#', b'-', b'{', b'}', b'(', b')', b'\'', b'"', b'`', b'\\', b'$',
        b' ', b'/', b'E', b'O', b'F',
    ]);
    let word = prop::sample::select(vec![
        &b"if ("[..],
        b"while (",
        b"--echo ",
        b"delimiter ",
        b"perl;\n",
        b"write_file f;\n",
        b"EOF\n",
        b"let $a= ",
        b"character_set sjis;\n",
        b"}\n",
    ]);
    let piece = prop_oneof![
        4 => special.prop_map(|b| vec![b]),
        2 => word.prop_map(|w| w.to_vec()),
        2 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

fn lex_state() -> impl Strategy<Value = LexState> {
    (
        prop::sample::select(vec![&b";"[..], b"//", b"|", b"$$", b"stop"]),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![
            ClientCharset::Latin1,
            ClientCharset::Sjis,
            ClientCharset::Utf8mb4,
            ClientCharset::Ujis,
        ]),
    )
        .prop_map(
            |(delimiter, backslash_escapes, ansi_quotes, charset)| LexState {
                delimiter: delimiter.to_vec(),
                quoting: Quoting {
                    backslash_escapes,
                    ansi_quotes,
                },
                charset,
                parsing_disabled: false,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_input_splits_without_panic(src in script_bytes(), lex in lex_state(), cut in any::<prop::sample::Index>()) {
        let start = cut.index(src.len() + 1);
        let tail = parse_tail(&src, start, 1, lex, 0);
        for command in &tail.commands {
            prop_assert!(command.span.0 <= command.span.1);
            prop_assert!(command.span.1 <= src.len());
        }
    }

    #[test]
    fn whatever_parses_round_trips(src in script_bytes()) {
        let tail = parse_tail(&src, 0, 1, LexState::default(), 0);
        if tail.error.is_none() {
            let script = rmtr_mysqltest::script::Script { path: "t".into(), commands: tail.commands };
            let again = parse_tail(&script.to_source(), 0, 1, LexState::default(), 0);
            prop_assert!(again.error.is_none());
            let strip = |c: &[rmtr_mysqltest::script::Command]| -> Vec<_> {
                c.iter().map(|c| (c.kind, c.style, c.text.clone(), c.heredoc.clone())).collect()
            };
            prop_assert_eq!(strip(&script.commands), strip(&again.commands));
        }
    }
}
