"""What became of what people said, in the chat: /mine, /mute, /unmute and the weekly news."""
