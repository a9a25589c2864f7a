import { main, post } from './main.js';

// One bundle serves `main` and `post`: main saves isPost, which the runner hands back as STATE_isPost.
await (process.env.STATE_isPost === 'true' ? post() : main());
