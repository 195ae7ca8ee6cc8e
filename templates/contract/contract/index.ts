/**
 * __NAME__: a message board. `post(user, text)` stores the latest message of `user` in the table
 * `messages` (scope = this contract, primary key = the user's name); `erase(user)` removes it.
 * Both need the user's authority. The ABI and the `apply` dispatch are generated from the
 * decorators (`@contract`, `@action`, `@table`, `@primary`) by the SDK's transform at build time.
 */
import { Name, check, self, requireAuth } from "peeros/sdk-as/contract";

const MAX_TEXT_BYTES = 256;

@table("messages")
class Message {
  @primary user: Name = 0;
  text: string = "";
}

@contract
class Board {
  @action("post")
  post(user: Name, text: string): void {
    requireAuth(user);
    check(String.UTF8.byteLength(text) <= MAX_TEXT_BYTES, "text has more than 256 bytes");
    const messages = Message.table(self());
    const row = messages.find(user);
    if (row === null) {
      const m = new Message();
      m.user = user;
      m.text = text;
      messages.store(m, user);
    } else {
      row.text = text;
      messages.modify(row, user);
    }
  }

  @action("erase")
  erase(user: Name): void {
    requireAuth(user);
    const messages = Message.table(self());
    check(messages.find(user) !== null, "no message of this user");
    messages.erase(user);
  }
}
