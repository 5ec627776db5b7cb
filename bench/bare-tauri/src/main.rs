//! A bare Tauri 2 window that reports when its page is loaded: the floor Koodesk is measured
//! against in `cargo xtask bench`.

mod ipc {
    #[tauri::command]
    pub fn ready() {
        println!("KOODESK_READY");
    }
}

fn main() {
    if let Err(e) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ipc::ready])
        .run(tauri::generate_context!())
    {
        eprintln!("bare-tauri: {e}");
        std::process::exit(1);
    }
}
