//! The `--server` argument: which backend provides the servers.

use std::path::PathBuf;

use anyhow::bail;

/// A backend as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerChoice {
    Bundled,
    Local {
        program: String,
        path: Option<PathBuf>,
    },
    Container {
        image: String,
    },
    Extern {
        addresses: Vec<String>,
    },
}

impl ServerChoice {
    pub fn parse(text: &str) -> anyhow::Result<ServerChoice> {
        if text == "bundled" {
            return Ok(ServerChoice::Bundled);
        }
        if let Some(image) = text.strip_prefix("container:") {
            return Ok(ServerChoice::Container {
                image: image.to_string(),
            });
        }
        if let Some(list) = text.strip_prefix("extern:") {
            return Ok(ServerChoice::Extern {
                addresses: list.split(',').map(str::to_string).collect(),
            });
        }
        let (program, path) = match text.split_once('=') {
            Some((p, path)) => (p, Some(PathBuf::from(path))),
            None => (text, None),
        };
        match program {
            "mariadbd" | "mysqld" => Ok(ServerChoice::Local {
                program: program.to_string(),
                path,
            }),
            _ => bail!(
                "unknown --server '{text}': use bundled, mariadbd[=PATH], mysqld[=PATH], container:IMAGE:TAG or extern:HOST:PORT"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            ServerChoice::parse("bundled").unwrap(),
            ServerChoice::Bundled
        );
        assert_eq!(
            ServerChoice::parse("mariadbd=/opt/x").unwrap(),
            ServerChoice::Local {
                program: "mariadbd".into(),
                path: Some("/opt/x".into())
            }
        );
        assert_eq!(
            ServerChoice::parse("container:mysql:8.0").unwrap(),
            ServerChoice::Container {
                image: "mysql:8.0".into()
            }
        );
        assert_eq!(
            ServerChoice::parse("extern:h:1,h:2").unwrap(),
            ServerChoice::Extern {
                addresses: vec!["h:1".into(), "h:2".into()]
            }
        );
        assert!(ServerChoice::parse("postgres").is_err());
    }
}
