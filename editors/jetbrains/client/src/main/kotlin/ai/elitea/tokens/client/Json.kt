package ai.elitea.tokens.client

import com.google.gson.Gson
import com.google.gson.GsonBuilder
import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonPrimitive
import com.google.gson.annotations.SerializedName
import java.lang.reflect.Constructor
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Modifier
import java.lang.reflect.ParameterizedType
import java.lang.reflect.Type
import java.lang.reflect.WildcardType

/** A message from the server that does not have the shape the protocol gives it. */
class ProtocolException(message: String) : RuntimeException(message)

/**
 * JSON for the protocol's objects.
 *
 * Encoding is Gson's: property names as they are, enums by their `@SerializedName`, null
 * properties left out (the server rejects unknown fields but takes a missing optional one).
 *
 * Decoding goes through each data class's constructor, so that Kotlin's own checks apply: a
 * required property missing from the answer is an error naming it (not a null hiding in a
 * non-null field, as Gson's reflective decoding would leave), an optional one takes its
 * default, and unknown properties are ignored (the protocol may add fields). It needs the
 * constructor parameter names at run time: compile with `-java-parameters`.
 */
object Json {
    val gson: Gson = GsonBuilder().disableHtmlEscaping().create()

    fun encode(value: Any): JsonElement = gson.toJsonTree(value)

    fun <T : Any> decode(json: JsonElement?, type: Class<T>): T {
        val value = read(json, type, "result")
            ?: throw ProtocolException("The language server answered nothing where ${type.simpleName} was expected.")
        @Suppress("UNCHECKED_CAST")
        return value as T
    }

    inline fun <reified T : Any> decode(json: JsonElement?): T = decode(json, T::class.java)

    fun parse(text: String): JsonElement = com.google.gson.JsonParser.parseString(text)

    /**
     * Any value LSP4J hands over for an `Object`-typed field (a command's result, a notification's
     * params, `experimental` capabilities), as a JsonElement of this class loader's Gson.
     *
     * Which Java objects that is depends on the Gson LSP4J runs with: a JsonElement, or what
     * Gson's `ObjectTypeAdapter` builds (a `com.google.gson.internal.LinkedTreeMap` up to Gson
     * 2.14, a `LinkedHashMap` after; `ArrayList`; `Double` or `LazilyParsedNumber`), or a
     * JsonElement of another class loader's Gson (inside the IDE, LSP4J's Gson is the
     * platform's). All are walked as maps, lists and primitives; nothing goes through
     * `toString()`, which for a `LinkedTreeMap` is `{k=v}`, not JSON.
     */
    fun toElement(value: Any?): JsonElement = walk(value, 0)

    private const val MAX_DEPTH = 200

    private fun walk(value: Any?, depth: Int): JsonElement {
        if (depth > MAX_DEPTH) throw ProtocolException("a value nested more than $MAX_DEPTH levels deep")
        return when (value) {
            null -> JsonNull.INSTANCE
            is JsonElement -> value
            is String -> JsonPrimitive(value)
            is Boolean -> JsonPrimitive(value)
            is Char -> JsonPrimitive(value.toString())
            is Number -> JsonPrimitive(number(value))
            is Map<*, *> -> JsonObject().also { obj ->
                for ((k, v) in value) {
                    val key = k as? String ?: throw ProtocolException("an object key that is not a string")
                    obj.add(key, walk(v, depth + 1))
                }
            }
            is Iterable<*> -> JsonArray().also { arr -> for (v in value) arr.add(walk(v, depth + 1)) }
            is Array<*> -> JsonArray().also { arr -> for (v in value) arr.add(walk(v, depth + 1)) }
            is Enum<*> -> JsonPrimitive(wireName(value))
            else -> foreignGson(value, depth)
                ?: throw ProtocolException("a value of type ${value.javaClass.name} where JSON was expected")
        }
    }

    /**
     * A number as one of the JDK's own types. Gson's `LazilyParsedNumber` (and any other
     * Number) is read through Number's methods: a whole number stays exact as a Long.
     */
    private fun number(n: Number): Number = when (n) {
        is Long, is Int, is Short, is Byte, is Double, is Float, is java.math.BigDecimal, is java.math.BigInteger -> n
        else -> {
            val d = n.toDouble()
            val l = n.toLong()
            if (!d.isInfinite() && !d.isNaN() && d == Math.floor(d) && Math.abs(d) < 9.007199254740992E15) l else d
        }
    }

    /**
     * A JsonElement of a Gson in another class loader: the same classes by name, read by
     * reflection through their public accessors. Null when [value] is not one.
     */
    private fun foreignGson(value: Any, depth: Int): JsonElement? {
        val kind = generateSequence<Class<*>>(value.javaClass) { it.superclass }
            .map { it.name }
            .firstOrNull { it in FOREIGN_KINDS }
            ?: return null
        fun call(name: String): Any? = value.javaClass.getMethod(name).invoke(value)
        return try {
            when (kind) {
                "com.google.gson.JsonNull" -> JsonNull.INSTANCE
                "com.google.gson.JsonObject" -> JsonObject().also { obj ->
                    for (entry in call("entrySet") as Set<*>) {
                        val e = entry as Map.Entry<*, *>
                        obj.add(e.key as String, walk(e.value, depth + 1))
                    }
                }
                "com.google.gson.JsonArray" -> JsonArray().also { arr -> for (v in value as Iterable<*>) arr.add(walk(v, depth + 1)) }
                "com.google.gson.JsonPrimitive" -> when {
                    call("isBoolean") == true -> JsonPrimitive(call("getAsBoolean") as Boolean)
                    call("isNumber") == true -> JsonPrimitive(number(call("getAsNumber") as Number))
                    else -> JsonPrimitive(call("getAsString") as String)
                }
                else -> null
            }
        } catch (e: ReflectiveOperationException) {
            throw ProtocolException("a JSON value of another Gson could not be read (${e.javaClass.simpleName})")
        }
    }

    private val FOREIGN_KINDS = setOf(
        "com.google.gson.JsonNull", "com.google.gson.JsonObject", "com.google.gson.JsonArray", "com.google.gson.JsonPrimitive",
    )

    /**
     * [element] as plain Java values (maps, lists, strings, numbers, booleans, null), which any
     * copy of Gson writes as the same JSON: what is handed to LSP4J as command arguments and
     * initialization options, whichever class loader its Gson comes from.
     */
    fun toPlain(element: JsonElement?): Any? = when {
        element == null || element.isJsonNull -> null
        element.isJsonObject -> element.asJsonObject.entrySet().associateTo(LinkedHashMap()) { (k, v) -> k to toPlain(v) }
        element.isJsonArray -> element.asJsonArray.mapTo(ArrayList()) { toPlain(it) }
        else -> {
            val p = element.asJsonPrimitive
            when {
                p.isBoolean -> p.asBoolean
                p.isString -> p.asString
                else -> p.asBigDecimal.let { d ->
                    try {
                        d.longValueExact()
                    } catch (e: ArithmeticException) {
                        d.toDouble()
                    }
                }
            }
        }
    }

    private fun read(json: JsonElement?, type: Type, path: String): Any? {
        if (json == null || json.isJsonNull) return null
        return when (type) {
            is WildcardType -> read(json, type.upperBounds.first(), path)
            is ParameterizedType -> readGeneric(json, type, path)
            is Class<*> -> readClass(json, type, path)
            else -> throw ProtocolException("$path: cannot read a value of type $type")
        }
    }

    private fun readGeneric(json: JsonElement, type: ParameterizedType, path: String): Any? {
        val raw = type.rawType as Class<*>
        if (List::class.java.isAssignableFrom(raw) || Collection::class.java.isAssignableFrom(raw)) {
            val array = json as? JsonArray ?: throw mismatch(path, "an array", json)
            val item = type.actualTypeArguments[0]
            return array.mapIndexed { i, el ->
                read(el, item, "$path[$i]") ?: throw ProtocolException("$path[$i] is null")
            }
        }
        if (Map::class.java.isAssignableFrom(raw)) {
            val obj = json as? JsonObject ?: throw mismatch(path, "an object", json)
            val item = type.actualTypeArguments[1]
            return obj.entrySet().associate { (k, v) -> k to read(v, item, "$path.$k") }
        }
        throw ProtocolException("$path: cannot read a value of type $type")
    }

    private fun readClass(json: JsonElement, cls: Class<*>, path: String): Any? {
        return when {
            JsonElement::class.java.isAssignableFrom(cls) -> {
                if (!cls.isInstance(json)) throw mismatch(path, cls.simpleName, json)
                json
            }
            cls == String::class.java -> primitive(json, path).let {
                if (!it.isString) throw mismatch(path, "a string", json)
                it.asString
            }
            cls == java.lang.Long.TYPE || cls == java.lang.Long::class.java -> integral(json, path).toLong()
            cls == Integer.TYPE || cls == Integer::class.java -> {
                val n = integral(json, path)
                if (n < Int.MIN_VALUE || n > Int.MAX_VALUE) throw mismatch(path, "a 32-bit integer", json)
                n.toInt()
            }
            cls == java.lang.Boolean.TYPE || cls == java.lang.Boolean::class.java -> primitive(json, path).let {
                if (!it.isBoolean) throw mismatch(path, "a boolean", json)
                it.asBoolean
            }
            cls == java.lang.Double.TYPE || cls == java.lang.Double::class.java -> primitive(json, path).let {
                if (!it.isNumber) throw mismatch(path, "a number", json)
                it.asDouble
            }
            cls.isEnum -> readEnum(json, cls, path)
            else -> readObject(json, cls, path)
        }
    }

    private fun primitive(json: JsonElement, path: String): JsonPrimitive =
        json as? JsonPrimitive ?: throw mismatch(path, "a plain value", json)

    private fun integral(json: JsonElement, path: String): Long {
        val p = primitive(json, path)
        if (!p.isNumber) throw mismatch(path, "a whole number", json)
        val d = p.asBigDecimal
        return try {
            d.longValueExact()
        } catch (e: ArithmeticException) {
            throw mismatch(path, "a whole number", json)
        }
    }

    /** The wire name of an enum constant: its `@SerializedName`, else its name. */
    fun wireName(constant: Enum<*>): String =
        constant.javaClass.getField(constant.name).getAnnotation(SerializedName::class.java)?.value
            ?: constant.name

    private fun readEnum(json: JsonElement, cls: Class<*>, path: String): Any {
        val p = primitive(json, path)
        if (!p.isString) throw mismatch(path, "a string", json)
        val wire = p.asString
        for (c in cls.enumConstants) {
            if (wireName(c as Enum<*>) == wire) return c
        }
        val allowed = cls.enumConstants.joinToString(", ") { wireName(it as Enum<*>) }
        throw ProtocolException("$path: '$wire' is not one of $allowed")
    }

    private class Shape(
        val primary: Constructor<*>,
        val withDefaults: Constructor<*>?,
    )

    private val shapes = java.util.concurrent.ConcurrentHashMap<Class<*>, Shape>()

    private fun shapeOf(cls: Class<*>): Shape = shapes.getOrPut(cls) {
        val marker = "kotlin.jvm.internal.DefaultConstructorMarker"
        val primary = cls.declaredConstructors
            .filter { Modifier.isPublic(it.modifiers) && it.parameterTypes.lastOrNull()?.name != marker }
            .maxByOrNull { it.parameterCount }
            ?: throw ProtocolException("${cls.simpleName} has no public constructor")
        val n = primary.parameterCount
        val withDefaults = cls.declaredConstructors.firstOrNull {
            it.parameterTypes.lastOrNull()?.name == marker && it.parameterCount == n + (n + 31) / 32 + 1
        }
        if (n > 0 && !primary.parameters[0].isNamePresent) {
            throw IllegalStateException("${cls.name} was compiled without -java-parameters: results cannot be decoded")
        }
        withDefaults?.isAccessible = true
        Shape(primary, withDefaults)
    }

    private fun readObject(json: JsonElement, cls: Class<*>, path: String): Any {
        val obj = json as? JsonObject ?: throw mismatch(path, "an object", json)
        val shape = shapeOf(cls)
        val params = shape.primary.parameters
        val args = arrayOfNulls<Any>(params.size)
        val masks = IntArray((params.size + 31) / 32)
        var anyAbsent = false
        for ((i, p) in params.withIndex()) {
            val value = read(obj.get(p.name), p.parameterizedType, "$path.${p.name}")
            if (value != null) {
                args[i] = value
                continue
            }
            if (p.type.isPrimitive) {
                throw ProtocolException("$path: '${p.name}' is missing")
            }
            anyAbsent = true
            masks[i / 32] = masks[i / 32] or (1 shl (i % 32))
        }
        try {
            val withDefaults = shape.withDefaults
            return if (anyAbsent && withDefaults != null) {
                val all = arrayOfNulls<Any>(withDefaults.parameterCount)
                System.arraycopy(args, 0, all, 0, args.size)
                for ((k, m) in masks.withIndex()) all[args.size + k] = m
                withDefaults.newInstance(*all)
            } else {
                shape.primary.newInstance(*args)
            }
        } catch (e: InvocationTargetException) {
            val cause = e.targetException
            if (cause is NullPointerException) {
                // Kotlin's own check: "Parameter specified as non-null is null: ..., parameter uuid"
                val name = cause.message?.substringAfterLast("parameter ", "")?.ifEmpty { null }
                throw ProtocolException("$path: '${name ?: "a required property"}' is missing")
            }
            throw ProtocolException("$path: ${cause.message}")
        }
    }

    private fun mismatch(path: String, expected: String, json: JsonElement): ProtocolException {
        val what = when {
            json.isJsonObject -> "an object"
            json.isJsonArray -> "an array"
            json is JsonPrimitive && json.isString -> "a string"
            json is JsonPrimitive && json.isNumber -> "a number"
            json is JsonPrimitive && json.isBoolean -> "a boolean"
            else -> "null"
        }
        // The value itself is left out: it may be a token.
        return ProtocolException("$path: expected $expected, got $what")
    }
}
