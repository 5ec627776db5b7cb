// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use koodesk_api::templates::isolate;

fn main() -> std::process::ExitCode {
    // The app reads customers' files in a child of itself (see `isolate`): hand over before any
    // window, log or database is touched.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == isolate::CHILD_ARG)
    {
        return isolate::child_main();
    }
    isolate::use_child_process();
    #[cfg(target_os = "linux")]
    koodesk_app::draw_in_software();
    koodesk_app::run()
}
