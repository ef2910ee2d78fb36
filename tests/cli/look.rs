//! The TUI's keymap and themes folder in odd shapes: a link to nothing, a file where the
//! folder goes, text that is not UTF-8, values of megabytes, a blank key — each refused
//! before the terminal is taken, naming the file (and line:column), never silently left out.

use super::common::{self, ctxlens};

fn tui_in(home: &std::path::Path) -> common::Output {
    let env = [("XDG_CONFIG_HOME", home.to_string_lossy().into_owned())];
    common::ctxlens_with(&["tui"], &env)
}

#[test]
fn odd_keymaps_and_theme_folders_are_refused_naming_the_file() {
    let home = tempfile::tempdir().expect("temp dir");
    let dir = home.path().join("ctxlens");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let keymap = dir.join("keymap.toml");
    let refused = |says: &str| {
        let out = tui_in(home.path());
        assert_eq!(out.code, 2, "{says}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{says}: {}", out.stderr);
        assert!(
            out.stderr.len() < 1_000,
            "short: {} bytes",
            out.stderr.len()
        );
        out.stderr
    };
    // A link to nothing is a keymap that cannot be read, not the default keys.
    std::os::unix::fs::symlink(dir.join("nowhere.toml"), &keymap).expect("symlink");
    refused(&format!(
        "keymap {}: No such file or directory",
        keymap.display()
    ));
    std::fs::remove_file(&keymap).expect("rm");
    // Not UTF-8: placed as every other error is, FILE:LINE:COLUMN.
    std::fs::write(&keymap, b"[keys]\n\"\xff\xfe\" = \"quit\"\n").expect("write");
    refused(&format!(
        "keymap {}:2:2: not UTF-8 (byte 0xFF)",
        keymap.display()
    ));
    // A value of megabytes is quoted by its start and its length.
    let big = format!("[keys]\n\"x\" = \"{}\"\n", "a".repeat(2_000_000));
    std::fs::write(&keymap, big).expect("write");
    refused("unknown action \"aaaa");
    refused("(2,000,000 characters)");
    // A blank key says what a space is called.
    std::fs::write(&keymap, "[keys]\n\" \" = \"help\"\n").expect("write");
    refused("key \" \" is blank: the space bar is \"space\"");
    std::fs::remove_file(&keymap).expect("rm");
    // A file where the themes folder goes: said, not taken for no themes.
    let themes = dir.join("themes");
    std::fs::write(&themes, "").expect("write");
    refused(&format!(
        "themes {}: not a folder of theme files",
        themes.display()
    ));
    std::fs::remove_file(&themes).expect("rm");
    // A theme file that is not UTF-8: FILE:LINE:COLUMN.
    std::fs::create_dir(&themes).expect("mkdir");
    let theme = themes.join("t.toml");
    std::fs::write(&theme, b"name = \"\xe9t\xe9\"\n").expect("write");
    refused(&format!(
        "theme {}:1:9: not UTF-8 (byte 0xE9)",
        theme.display()
    ));
}

/// A policy file that is not UTF-8 is placed by line:column, without the presets' list.
#[test]
fn a_policy_file_that_is_not_utf8_is_placed_by_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("p.toml");
    std::fs::write(&policy, b"name = \"p\"\n# caf\xe9\n").expect("write");
    let path = policy.to_str().expect("utf-8 path");
    let out = ctxlens(&["replay", "u005", "--policy", path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!("ctxlens: policy {path}:2:6: not UTF-8 (byte 0xE9)")
    );
}

/// With `--config FILE`, the keymap and themes read are the ones beside FILE: a broken keymap
/// there stops `tui` (exit 2, naming it) before the terminal is needed, and a theme there is
/// found by its name.
#[test]
fn the_keymap_and_themes_beside_an_explicit_config_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"mine\"\n").expect("write config");
    let config = config.to_str().expect("utf-8 path").to_string();
    // No theme named "mine" anywhere: said, naming where it was asked for.
    let out = ctxlens(&["--config", &config, "tui"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("\"mine\": no such theme"),
        "{}",
        out.stderr
    );
    // A theme file beside the config is one of the themes: past the theme check, `tui` stops
    // only for want of a terminal.
    std::fs::create_dir(dir.path().join("themes")).expect("themes dir");
    let light = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/light.toml"),
    )
    .expect("the shipped light theme");
    let mine = light.replacen("name = \"light\"", "name = \"mine\"", 1);
    assert_ne!(mine, light, "the theme names itself");
    std::fs::write(dir.path().join("themes/mine.toml"), mine).expect("write theme");
    let out = ctxlens(&["--config", &config, "tui"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("needs a terminal"), "{}", out.stderr);
    // A broken keymap beside it stops tui, named.
    std::fs::write(
        dir.path().join("keymap.toml"),
        "[keys]\n\"x\" = \"nonsense\"\n",
    )
    .expect("write keymap");
    let out = ctxlens(&["--config", &config, "tui"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("keymap.toml:2:1: key \"x\": unknown action \"nonsense\""),
        "{}",
        out.stderr
    );
}
