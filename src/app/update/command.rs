//! The `:` palette's commands, its history (↑/↓) and Tab completion, and Tune's typed values.

use super::{Effect, error, info, retune, users};
use crate::app::action::Action;
use crate::app::state::{Input, InputKind, Quit, State};
use crate::app::tune;

/// The `:` commands, for the error message and the help overlay.
pub const COMMANDS: &str = ":user ID · :query TEXT · :diff [USER] · :explain ROW · \
     :policy FILE|PRESET · :theme NAME · :set KEY=VALUE · :w [FILE] · :w! FILE · :reset · :q · :q!";

/// What a command needs, said when it is run without it.
const USAGE: &[(&str, &str)] = &[
    ("user", ":user ID — a user id (tab completes)"),
    (
        "explain",
        ":explain ROW — a knowledge row id (kn:12) or title text",
    ),
    (
        "policy",
        ":policy FILE|PRESET — a policy TOML file or a preset (tab completes)",
    ),
    (
        "set",
        ":set KEY=VALUE — a Tune field (tab completes) and its value: :set budget.total=3000",
    ),
];

/// Command names, for completion.
const NAMES: &[&str] = &[
    "user", "query", "diff", "explain", "policy", "policy!", "theme", "set", "w", "w!", "reset",
    "q", "q!",
];

/// History entries kept.
const HISTORY: usize = 100;

/// Applies a typed value to the Tune field under the cursor.
pub(super) fn edit(s: &mut State, value: &str) -> Vec<Effect> {
    let fields = tune::fields(&s.session.policy);
    let Some(f) = fields.get(s.tune.cursor) else {
        return vec![];
    };
    apply_set(s, &format!("{}={value}", f.key))
}

fn apply_set(s: &mut State, arg: &str) -> Vec<Effect> {
    match s.session.policy.clone().with_overrides(&[arg.to_string()]) {
        // Said, so a `:set` that changes nothing is not taken for one that went unheard.
        Ok(p) if p == s.session.policy => {
            let key = arg.split_once('=').map_or(arg, |(k, _)| k).trim();
            info(
                s,
                &format!(":set {key}: already that value; nothing to replay"),
            );
            vec![]
        }
        Ok(p) => retune(s, p),
        Err(e) => {
            error(s, &tune::said(&e));
            vec![]
        }
    }
}

/// Runs a `:` command (and remembers it).
pub(super) fn run(s: &mut State, line: &str) -> Vec<Effect> {
    if line.is_empty() {
        return vec![];
    }
    let h = &mut s.ui.palette_history;
    h.retain(|x| x != line);
    h.push(line.to_string());
    if h.len() > HISTORY {
        h.remove(0);
    }
    let (cmd, arg) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(c, a)| (c, a.trim()));
    if !matches!(cmd, "w" | "write" | "w!" | "write!") && s.ui.quit == Quit::AfterSave {
        s.ui.quit = Quit::No;
    }
    match (cmd, arg) {
        // Commands that take nothing refuse what follows, as vim does: `:q x` is not `:q`.
        ("q" | "quit" | "q!" | "quit!" | "reset", more) if !more.is_empty() => {
            error(
                s,
                &format!(
                    ":{cmd} takes nothing after it (got {:?}); nothing done",
                    crate::text::preview(more, 40)
                ),
            );
            vec![]
        }
        ("q" | "quit", _) => super::update(s, Action::Quit),
        ("q!" | "quit!", _) => {
            s.ui.quit = Quit::Now;
            vec![]
        }
        ("user", id) if !id.is_empty() => with_id(s, "user", id, users::jump_to_user),
        ("query", text) => query(s, text),
        // `:diff` alone compares the open user's policies or moments; `:diff ""` names the user
        // whose id is empty.
        ("diff", "") => super::compare::start(s, None),
        ("diff", arg) => with_id(s, "diff", arg, |s, user| {
            super::compare::start(s, Some(&user))
        }),
        ("explain", row) if !row.is_empty() => super::compare::explain_row(s, row),
        // A file is named as `:user` names an id: quoted when it holds spaces or quotes.
        // Loading a policy replaces the tuning: unsaved, it is kept unless `!` says to drop it
        // (the policy is read all the same, so one that cannot be is said so, not offered).
        ("policy" | "policy!", file) if !file.is_empty() => match crate::text::typed_file(file) {
            Ok(file) => {
                // Said while it loads (a slow disk, a FIFO no one writes yet).
                super::start_loading(s, crate::app::task::Task::Policy);
                let spec = crate::config::expand_home(&file);
                let keep = cmd == "policy" && s.unsaved();
                s.session.policy_asked = Some((spec.clone(), s.session.policy.clone(), keep));
                vec![Effect::LoadPolicy(spec)]
            }
            Err(why) => {
                error(s, &format!(":{cmd} {why}"));
                vec![]
            }
        },
        ("theme", name) => theme(s, name),
        ("set", kv) if kv.contains('=') => apply_set(s, kv),
        ("w" | "write" | "w!" | "write!", "") => {
            save_prompt(s);
            vec![]
        }
        ("w" | "write", file) => save(s, file, false),
        ("w!" | "write!", file) => save(s, file, true),
        ("reset", _) => super::user::reset_tuning(s),
        _ => {
            // A known command without what it needs says what that is.
            match USAGE.iter().find(|(c, _)| *c == cmd) {
                Some((_, usage)) => error(s, usage),
                None => error(s, &format!("unknown command {line:?}: {COMMANDS}")),
            }
            vec![]
        }
    }
}

/// `:query TEXT`: the open user replayed for another question (none: the newest user turn).
fn query(s: &mut State, text: &str) -> Vec<Effect> {
    s.user.query = (!text.is_empty()).then(|| text.to_string());
    match super::user::reload_user(s) {
        Some(e) => {
            // Whole (a long one wraps above the bar) up to a few lines; masked under --redact
            // as the query is on every screen.
            let what = if text.is_empty() {
                "query: the newest user turn".to_string()
            } else if s.ui.redact {
                let masked = crate::engine::redact::mask(text);
                format!(
                    "query: {}",
                    crate::text::preview(&masked, super::QUERY_SHOWN)
                )
            } else {
                format!("query: {}", crate::text::preview(text, super::QUERY_SHOWN))
            };
            info(s, &what);
            vec![e]
        }
        None => {
            error(s, ":query needs a user open (:user ID)");
            vec![]
        }
    }
}

/// `:theme NAME`: one of the themes, or which there are.
fn theme(s: &mut State, name: &str) -> Vec<Effect> {
    if name.is_empty() {
        let msg = format!(":theme NAME — one of: {}", s.session.themes.join(", "));
        error(s, &msg);
    } else if s.session.themes.iter().any(|t| t == name) {
        s.ui.theme = name.to_string();
        info(s, &format!("theme {name}"));
    } else {
        let msg = format!(
            "no theme {name:?} (themes: {})",
            s.session.themes.join(", ")
        );
        error(s, &msg);
    }
    vec![]
}

/// The save prompt (`:w` without a file, `s` at the quit prompt): the file name alone is the
/// line being edited, so ctrl-u clears the name and nothing else.
pub(super) fn save_prompt(s: &mut State) {
    let stem = file_stem(&tune::saved_policy(&s.session).name);
    let file = free_file(&stem, |f| std::path::Path::new(f).exists());
    s.ui.input = Some(Input::suggesting(InputKind::Save, &file));
}

/// The file offered to save in: `{stem}.toml`, or when that exists `{stem}-2.toml`, `-3`…, so
/// accepting the offer writes (`:w` never replaces a file unasked).
fn free_file(stem: &str, exists: impl Fn(&str) -> bool) -> String {
    (1..=99)
        .map(|n| match n {
            1 => format!("{stem}.toml"),
            n => format!("{stem}-{n}.toml"),
        })
        .find(|f| !exists(f))
        .unwrap_or_else(|| format!("{stem}.toml"))
}

#[cfg(test)]
#[test]
fn the_file_offered_is_one_that_does_not_exist() {
    let taken = ["p-tuned.toml", "p-tuned-2.toml"];
    assert_eq!(
        free_file("p-tuned", |f| taken.contains(&f)),
        "p-tuned-3.toml"
    );
    assert_eq!(free_file("q", |f| taken.contains(&f)), "q.toml");
}

/// A policy name as the stem of the file offered to save it in: letters, digits, `-`, `_` and
/// `.` kept, anything else (controls, path separators, spaces) `_`, so the name shown is the
/// file written, in this directory; `policy` when nothing is left.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        "policy".into()
    } else {
        stem.into()
    }
}

/// Writes the tuned policy to `file` (under its own name when tuned, [`tune::saved_policy`]);
/// an existing file only when `overwrite` (`:w!`). The name is read as `:user` reads an id:
/// `"my policy.toml"`, `'a b.toml'` and `$'…'` are unquoted, anything else taken as typed.
pub(super) fn save(s: &mut State, file: &str, overwrite: bool) -> Vec<Effect> {
    let file = match crate::text::typed_file(file) {
        Ok(f) => f,
        Err(why) => return refuse_save(s, &format!("save: {why}; nothing written")),
    };
    let expanded = crate::config::expand_home(&file);
    let file = expanded.as_str();
    if let Some(why) = refusal(file, overwrite) {
        return refuse_save(s, &why);
    }
    s.tune.saving = Some(Box::new(s.session.policy.clone()));
    vec![Effect::SavePolicy {
        path: file.to_string(),
        toml: tune::saved_policy(&s.session).to_toml(),
    }]
}

/// A save refused, said as an error: a quit waiting for the save is called off and the app
/// stays open (nothing was written).
fn refuse_save(s: &mut State, why: &str) -> Vec<Effect> {
    if s.ui.quit == Quit::AfterSave {
        s.ui.quit = Quit::No;
    }
    error(s, why);
    vec![]
}

/// Why the tuned policy cannot be written to `file` (replacing one only when `overwrite`), said
/// before the write is tried; `None`: it can.
fn refusal(file: &str, overwrite: bool) -> Option<String> {
    let path = std::path::Path::new(file);
    if file.is_empty() {
        Some("save: no file name given; nothing written".to_string())
    } else if path.is_dir() {
        Some(format!(
            "save: {} is a directory; nothing written (name a file in it)",
            crate::text::inert_line(file)
        ))
    } else if path.exists() && !path.is_file() {
        // A FIFO would keep the write waiting, unseen, for a reader; `/dev/null` would count
        // as saved and let a quit lose the tuning.
        Some(format!(
            "save: {} is not a regular file (a FIFO or a device); nothing written",
            crate::text::inert_line(file)
        ))
    } else if let Some(no) = crate::files::no_write(path) {
        // Said before the write is tried: the system's "No such file or directory" would name
        // the file, not the folder that is missing (nor, for a link, where it leads), and a
        // `:w!` would be offered for a write that cannot be made.
        Some(no_write_said(file, no))
    } else if !overwrite
        && !path.exists()
        && let Ok(to) = std::fs::read_link(path)
    {
        // A link that leads nowhere: writing through it would make a file elsewhere, unasked.
        Some(format!(
            "save: {} is a link to {}, which is not there; nothing written (:w! {} writes \
             through the link, making it)",
            crate::text::inert_line(file),
            crate::text::inert_line(&to.display().to_string()),
            crate::text::inert_line(file)
        ))
    } else if !overwrite && path.exists() {
        Some(format!(
            "save: {} exists; nothing written (:w! {} replaces it)",
            crate::text::inert_line(file),
            crate::text::inert_line(file)
        ))
    } else {
        None
    }
}

/// Why `file` cannot be written, as [`crate::files::no_write`] found it: the loop, the missing
/// folder (and for a link, where it leads) or the folder that takes no file, named.
fn no_write_said(file: &str, no: crate::files::NoWrite) -> String {
    use crate::files::NoWrite;
    let shown =
        |p: &std::path::Path| crate::text::inert_line(&p.display().to_string()).into_owned();
    let file = crate::text::inert_line(file);
    match no {
        NoWrite::Loop => {
            format!("save: {file} is a loop of links, which leads to no file; nothing written")
        }
        NoWrite::NoFolder {
            folder,
            link_to: Some(to),
        } => format!(
            "save: {file} is a link to {}, whose folder {} is not there; nothing written",
            shown(&to),
            shown(&folder)
        ),
        NoWrite::NoFolder {
            folder,
            link_to: None,
        } => format!(
            "save: no folder {} to write {file} in; nothing written",
            shown(&folder)
        ),
        NoWrite::FolderRefuses { folder, why } => format!(
            "save: cannot write in {}: {why}; nothing written",
            shown(&folder)
        ),
    }
}

/// ↑ (`older`) or ↓ through the commands run before.
pub(super) fn recall(s: &mut State, older: bool) {
    let n = s.ui.palette_history.len();
    let Some(input) = s.ui.input.as_mut() else {
        return;
    };
    let at = match (input.recalled, older) {
        (None, true) if n > 0 => Some(n - 1),
        (None, _) => None,
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < n => Some(i + 1),
        (Some(_), false) => None,
    };
    // Not in the history and not going into it (↓ on a fresh line, ↑ with none): the line
    // typed stays.
    if input.recalled.is_none() && at.is_none() {
        return;
    }
    if input.recalled.is_none() && at.is_some() {
        input.draft = input.text().to_string();
    }
    input.recalled = at;
    let text = at.map_or_else(
        || std::mem::take(&mut input.draft),
        |i| s.ui.palette_history[i].clone(),
    );
    input.line = tui_input::Input::new(text);
    input.completions.clear();
    input.unmatched = false;
}

/// What the word being typed could be: command names first, then each command's argument.
fn candidates(s: &State, head: &str) -> Vec<String> {
    let Some((cmd, _)) = head.split_once(' ') else {
        return NAMES.iter().map(|n| n.to_string()).collect();
    };
    match cmd {
        // As `:user` reads them back: an id that needs quoting (`'twin '`), quoted, so two
        // ids never complete alike.
        "user" | "diff" => s
            .users
            .ids()
            .into_iter()
            .map(|id| crate::text::shell_word(&id).into_owned())
            .collect(),
        "policy" => crate::engine::policy::PRESETS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        "theme" => s.session.themes.clone(),
        "set" => set_candidates(&s.session.policy, head),
        _ => vec![],
    }
}

/// `run` on the user id `arg` names, typed as lists show it (`"twin "`) or as `y` copies it
/// (`$'…'`); one that does not read is said, naming `cmd`.
fn with_id(
    s: &mut State,
    cmd: &str,
    arg: &str,
    run: impl FnOnce(&mut State, String) -> Vec<Effect>,
) -> Vec<Effect> {
    match crate::text::typed_id(arg) {
        Ok(id) => run(s, id),
        Err(why) => {
            error(s, &format!(":{cmd} {why}"));
            vec![]
        }
    }
}

/// `:set`'s words: every key (the Tune fields, then the text ones Tune does not step), and
/// once a key's `=` is typed, the values it takes when they are a few (`strategy=truncate`).
fn set_candidates(p: &crate::engine::Policy, head: &str) -> Vec<String> {
    let fields = tune::fields(p);
    let word = head.rsplit(' ').next().unwrap_or_default();
    if let Some((key, _)) = word.split_once('=') {
        return fields
            .into_iter()
            .filter(|f| f.key == key)
            .flat_map(tune::Field::options)
            .map(|v| format!("{key}={v}"))
            .collect();
    }
    fields
        .into_iter()
        .map(|f| f.key)
        .chain(tune::SET_ONLY.iter().map(|k| (*k).to_string()))
        .map(|k| format!("{k}="))
        .collect()
}

/// Tab: completes the word before the cursor as far as the candidates agree; lists them when
/// several remain.
pub(super) fn complete(s: &mut State) {
    let Some(input) = s.ui.input.as_ref() else {
        return;
    };
    let text = input.text().to_string();
    let start = text.rfind(' ').map_or(0, |i| i + 1);
    let word = &text[start..];
    // A Tune field being typed into: the values it takes, when they are a few.
    let editing = input.kind == crate::app::state::InputKind::Edit;
    let all = if editing {
        tune::fields(&s.session.policy)
            .into_iter()
            .nth(s.tune.cursor)
            .map(tune::Field::options)
            .unwrap_or_default()
    } else {
        candidates(s, &text)
    };
    // A quoted id is found by its first letters too.
    let found: Vec<String> = all
        .into_iter()
        .filter(|c| c.starts_with(word) || c.trim_start_matches(['$', '\'']).starts_with(word))
        .collect();
    let Some(first) = found.first() else {
        if let Some(i) = s.ui.input.as_mut() {
            i.completions = vec![];
            i.unmatched = true;
        }
        return error(s, &format!("nothing completes {word:?}"));
    };
    let common = found.iter().fold(first.clone(), |acc, c| {
        acc.chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    // Candidates found by their letters inside quotes (`$'u005…'` and `u005…` for `u005`)
    // may agree on less than was typed: the word typed stays (one alone is taken, quoted).
    let common = if found.len() > 1 && !common.starts_with(word) {
        word.to_string()
    } else {
        common
    };
    let mut line = format!("{}{common}", &text[..start]);
    // A whole command or value is followed by a space, ready for what comes next.
    if found.len() == 1 && !common.ends_with('=') && start == 0 && !editing {
        line.push(' ');
    }
    if let Some(i) = s.ui.input.as_mut() {
        i.line = tui_input::Input::new(line);
        i.completions = if found.len() > 1 { found } else { vec![] };
        i.unmatched = false;
    }
}
