pub fn run(_check: bool) -> Result<(), String> {
    Err("not yet".into())
}
