//! A Cognito crate made with one module, then given a second by `new …
//! --module`, still passes its own tests: the pipeline test reads the module
//! list from the crate's Cargo.toml instead of a copy made at generation
//! time. The workspace pins versions too old for the scaffold in
//! `[workspace.dependencies]`, so the crate is made with `--own-versions`,
//! which must build as well.

use super::{cargo_test, tests_run};
use crate::support::{new, read};

#[test]
fn a_crate_given_a_second_module_passes_its_tests() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.dependencies]\nlambda_runtime = \"0.11.3\"\naws_lambda_events = { version = \"0.15.1\", default-features = false }\n",
    )
    .unwrap();
    let first = [
        "--source",
        "cognito",
        "--event",
        "post-confirmation",
        "--module",
        "custom",
        "--user-pool",
        "p",
        "--own-versions",
    ];
    new(ws, &first);
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "add-to-group",
            "--set",
            "GROUP=g",
            "--user-pool",
            "p",
            "--own-versions",
        ],
    );
    let manifest = read(ws, "triggers/p-post-confirmation/Cargo.toml");
    assert!(
        manifest.contains("modules = [\"custom\", \"add-to-group\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("lambda_runtime = \"1.5\""), "{manifest}");
    let output = cargo_test(ws);
    assert!(
        output.contains("test tests::the_pipeline_runs_the_declared_modules_in_order ... ok"),
        "{output}"
    );
    let ran = tests_run(&output, "p_post_confirmation");
    assert!(ran >= 10, "{ran} tests ran\n{output}");
}
