// The history pages (commands, orders, trades, events): being written.
export function show() {}
export function hide() {}
