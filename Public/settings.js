// The settings page: being written.
export function show() {}
export function hide() {}
