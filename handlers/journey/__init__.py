"""The client journey as one conversation: greeting, consent, questions, review, menu.

`open_conversation` builds a `Conversation` per update; the routers (`handlers.start`, `handlers.intake`,
`handlers.review`, `handlers.profile`, `handlers.mydata`) each call one function of this package with it:

- `states`: the conversation states (`Journey`, `Deletion`) and where an edit returns (`Target`);
- `chat_state`: the FSM state and data of the update, read once, and the journey's typed draft in it;
- `chat`: the client's chat in one update (sending, the state, the account and its record);
- `positions`: the question being answered and its unconfirmed ticks;
- `screens`, `questions`: what is shown (greeting, menu, list of answers, profile cards; a question);
- `navigation`: where the client stands, the consent, the next question, the review;
- `answers`: answers typed or tapped, saved through `services.profiles`;
- `review`, `menus`, `privacy`: single-field edits and confirmation; the profile after registration; export
  and deletion.
"""

from __future__ import annotations

from handlers.journey.conversation import Conversation, open_conversation
from handlers.journey.screens import greeting_text
from handlers.journey.states import Deletion, Journey, Mode, Target

__all__ = ["Conversation", "Deletion", "Journey", "Mode", "Target", "greeting_text", "open_conversation"]
