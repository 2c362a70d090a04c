// How much of a long conversation the chat page renders at first (shared by the server page,
// which renders those answers' Markdown, and the message list).

/** Messages rendered at first (server and client); older ones are added as the user scrolls up. */
export const INITIAL_WINDOW = 60;
/** How many older messages each step up adds. */
export const WINDOW_STEP = 100;
